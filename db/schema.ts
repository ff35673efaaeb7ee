import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

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


// ---------------------------------------------------------------------------------------------------------------
// Provider keys, settings, budgets, prices

export const providerKind = pgEnum("provider_kind", ["openai", "anthropic", "google", "openrouter", "openai-compatible"]);
export type ProviderKind = (typeof providerKind.enumValues)[number];

export const keyStatus = pgEnum("key_status", ["valid", "rejected", "unverified"]);
export type KeyStatus = (typeof keyStatus.enumValues)[number];

/**
 * A user's key for a provider, or an OpenAI-compatible endpoint (name + base URL + optional key).
 * The key is AES-256-GCM encrypted (see lib/crypto/key-vault.ts); only its last 4 characters are kept in clear.
 */
export const providerKeys = pgTable(
  "provider_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: providerKind("provider").notNull(),
    /** The provider id for built-in providers; the user's name for an OpenAI-compatible endpoint. */
    name: text("name").notNull(),
    baseUrl: text("base_url"),
    encryptedKey: text("encrypted_key"),
    keyLast4: text("key_last4"),
    status: keyStatus("status").notNull().default("unverified"),
    statusMessage: text("status_message"),
    /** Model ids the provider listed at the last successful check. */
    models: jsonb("models").$type<string[]>(),
    lastVerifiedAt: timestamp("last_verified_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("provider_keys_user_provider_name").on(t.userId, t.provider, t.name)],
);
export type ProviderKey = typeof providerKeys.$inferSelect;

export const userSettings = pgTable("user_settings", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** The default model as a model ref (lib/providers/model-ref.ts), e.g. "openai:gpt-4o-mini". */
  defaultModel: text("default_model"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const budgetMode = pgEnum("budget_mode", ["enforce", "warn"]);
export type BudgetMode = (typeof budgetMode.enumValues)[number];
export const budgetSource = pgEnum("budget_source", ["user", "admin"]);

/**
 * Spending limits. One row per user and source: the user's own budget, and an admin cap the user cannot raise.
 * Costs are integer nano-USD.
 */
export const budgets = pgTable(
  "budgets",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    source: budgetSource("source").notNull(),
    monthlyCostLimitNano: bigint("monthly_cost_limit_nano", { mode: "number" }),
    dailyCostLimitNano: bigint("daily_cost_limit_nano", { mode: "number" }),
    monthlyTokenLimit: bigint("monthly_token_limit", { mode: "number" }),
    mode: budgetMode("mode").notNull().default("enforce"),
    alertThresholds: integer("alert_thresholds").array().notNull().default(sql`'{50,80,100}'::integer[]`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.source] })],
);
export type Budget = typeof budgets.$inferSelect;

/** Admin price overrides, in integer nano-USD per million tokens. They win over the bundled price data. */
export const priceOverrides = pgTable(
  "price_overrides",
  {
    provider: providerKind("provider").notNull(),
    /** Normalised model id (lib/pricing/model-id.ts). */
    modelId: text("model_id").notNull(),
    inputNanoPerMTok: bigint("input_nano_per_mtok", { mode: "number" }).notNull(),
    outputNanoPerMTok: bigint("output_nano_per_mtok", { mode: "number" }).notNull(),
    cacheReadNanoPerMTok: bigint("cache_read_nano_per_mtok", { mode: "number" }),
    cacheWriteNanoPerMTok: bigint("cache_write_nano_per_mtok", { mode: "number" }),
    note: text("note"),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.modelId] })],
);
export type PriceOverrideRow = typeof priceOverrides.$inferSelect;

/** Whether users without their own key may use the deployment's key for a provider (default: no). */
export const systemKeyPolicy = pgTable("system_key_policy", {
  provider: providerKind("provider").primaryKey(),
  allowUsers: boolean("allow_users").notNull().default(false),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
