import { index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * The database schema. Later capabilities add their tables here (provider keys, settings, conversations,
 * usage events with integer nano-USD costs, budgets and their ledger).
 */

export const userRole = pgEnum("user_role", ["admin", "user"]);
export type UserRole = (typeof userRole.enumValues)[number];

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Always stored lower-cased and trimmed; unique. */
    email: text("email").notNull(),
    name: text("name"),
    image: text("image"),
    /** bcrypt hash; null for accounts that only sign in through an OAuth provider. */
    passwordHash: text("password_hash"),
    role: userRole("role").notNull().default("user"),
    /** IANA zone used for calendar-month budgets and dashboards; null until the user or their browser sets it. */
    timeZone: text("time_zone"),
    /** A disabled user cannot sign in or use the API; their data stays. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_created_at_idx").on(t.createdAt)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** OAuth identities (GitHub, Google) linked to a user. */
export const oauthAccounts = pgTable(
  "oauth_accounts",
  {
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] }), index("oauth_accounts_user_idx").on(t.userId)],
);

export type OAuthAccount = typeof oauthAccounts.$inferSelect;

