import { sql } from "drizzle-orm";
import { PROVIDER_KINDS } from "../lib/providers/kinds";
import {
  bigint,
  boolean,
  check,
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
  type AnyPgColumn,
} from "drizzle-orm/pg-core";

/**
 * The database schema. Later capabilities add their tables here (provider keys, settings, conversations,
 * usage events with integer nano-USD costs, budgets and their ledger).
 */

export const userRole = pgEnum("user_role", ["admin", "user"]);
export type UserRole = (typeof userRole.enumValues)[number];

export const userStatus = pgEnum("user_status", ["active", "pending", "rejected"]);
export type UserStatus = (typeof userStatus.enumValues)[number];

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
    /**
     * Bumped when every session of the user must end at once (password change, disabling, role change); a session
     * token carries the version it was issued under and stops working when it no longer matches.
     */
    sessionVersion: integer("session_version").notNull().default(0),
    /**
     * Whether the account may use the app: `pending` (registered while approval was required; sees only the waiting
     * page), `rejected` (an admin declined it; same), `active`. See lib/registration/.
     */
    status: userStatus("status").notNull().default("active"),
    /** When an admin approved a pending account; null for accounts that never waited. */
    approvedAt: timestamp("approved_at", { withTimezone: true }),
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

/**
 * One row per signed-in browser session (the JWT carries its id as `sid`). Signing out revokes the row, so a copied
 * session cookie stops working at once; `getCurrentUser` reads it on every request together with the user.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);
export type UserSession = typeof userSessions.$inferSelect;

/**
 * Failed sign-ins per throttle key (`account:<email>` or `ip:<address>`), kept in the database so the back-off holds
 * across server processes and restarts. A success clears the account's row.
 */
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});
export type SignInThrottleRow = typeof signInThrottle.$inferSelect;


// ---------------------------------------------------------------------------------------------------------------
// Provider keys, settings, budgets, prices

export const providerKind = pgEnum("provider_kind", PROVIDER_KINDS);
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

// ---------------------------------------------------------------------------------------------------------------
// Assistants, conversations, messages

/** A user's specialist agent: a system prompt, an optional preferred model, and the assistants it may delegate to. */
export const assistants = pgTable(
  "assistants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    systemPrompt: text("system_prompt").notNull(),
    /** A model ref (lib/providers/model-ref.ts); null → the user's default model. */
    preferredModel: text("preferred_model"),
    /** Assistants of the same user this one may call as tools. */
    delegateIds: uuid("delegate_ids").array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("assistants_user_name_unique").on(t.userId, t.name)],
);
export type Assistant = typeof assistants.$inferSelect;

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title"),
    /** The model picked for this conversation (a model ref), remembered for the next message. */
    model: text("model"),
    assistantId: uuid("assistant_id").references(() => assistants.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("conversations_user_updated_idx").on(t.userId, t.updatedAt, t.id)],
);
export type Conversation = typeof conversations.$inferSelect;

export const messageRole = pgEnum("message_role", ["system", "user", "assistant"]);

/** UI messages as the AI SDK's useChat sends them (`parts`), in order of `seq`. */
export const messages = pgTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    role: messageRole("role").notNull(),
    parts: jsonb("parts").$type<unknown[]>().notNull(),
    /** For assistant messages: model, tokens, cost (see lib/chat/message-metadata.ts). */
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("messages_conversation_seq_idx").on(t.conversationId, t.seq)],
);
export type Message = typeof messages.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------
// Usage: one event per model call, daily rollups, the budget ledger and its reservations, notifications

export const usageStatus = pgEnum("usage_status", ["ok", "aborted", "error"]);
export type UsageStatus = (typeof usageStatus.enumValues)[number];
export const costSource = pgEnum("cost_source", ["price_book", "provider", "unpriced"]);
export type CostSource = (typeof costSource.enumValues)[number];
export const keySourceEnum = pgEnum("key_source", ["user", "system"]);
/** Which caller made the model call: our chat (titles and delegates included), the API gateway, or usage an app reported. */
export const usageSource = pgEnum("usage_source", ["chat", "gateway", "track"]);
export type UsageSource = (typeof usageSource.enumValues)[number];

export const usageEvents = pgTable(
  "usage_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Unique per model call: `<request id>:<step>`; a retried insert cannot count twice. */
    requestId: text("request_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    messageId: text("message_id"),
    assistantId: uuid("assistant_id").references(() => assistants.id, { onDelete: "set null" }),
    provider: providerKind("provider").notNull(),
    model: text("model").notNull(),
    feature: text("feature").notNull(),
    source: usageSource("source").notNull().default("chat"),
    keySource: keySourceEnum("key_source").notNull(),
    inputNoCacheTokens: bigint("input_no_cache_tokens", { mode: "number" }).notNull().default(0),
    cacheReadTokens: bigint("cache_read_tokens", { mode: "number" }).notNull().default(0),
    cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull().default(0),
    /** All output tokens, reasoning included. */
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    reasoningTokens: bigint("reasoning_tokens", { mode: "number" }).notNull().default(0),
    /** The part of `cache_write_tokens` written for one hour (Anthropic's `ephemeral_1h_input_tokens`), priced at its own rate. */
    cacheWrite1hTokens: bigint("cache_write_1h_tokens", { mode: "number" }).notNull().default(0),
    /** The audio part of the uncached input tokens (OpenAI `prompt_tokens_details.audio_tokens`, Gemini AUDIO modality). */
    audioInputTokens: bigint("audio_input_tokens", { mode: "number" }).notNull().default(0),
    /** The audio part of `output_tokens` (OpenAI `completion_tokens_details.audio_tokens`). */
    audioOutputTokens: bigint("audio_output_tokens", { mode: "number" }).notNull().default(0),
    /** Server-side tool requests billed per request, by tool: `{ "web_search": 2, "web_fetch": 1 }`; null when none. */
    serverToolRequests: jsonb("server_tool_requests").$type<Record<string, number>>(),
    /** The part of `cost_nano` that is per-request tool fees (integer nano-USD). */
    toolCostNano: bigint("tool_cost_nano", { mode: "number" }).notNull().default(0),
    /** OpenRouter BYOK: what the user's own provider charged (`cost_details.upstream_inference_cost`), included in `cost_nano` beside OpenRouter's fee. */
    upstreamCostNano: bigint("upstream_cost_nano", { mode: "number" }),
    /** Usage fields the provider reported that we do not price (kept in `raw_usage`), e.g. `{server_tool_use.code_execution_requests}`. */
    unpricedUsageFields: text("unpriced_usage_fields").array(),
    /** Integer nano-USD; null when the model is unpriced (the cost is unknown, not zero). */
    costNano: bigint("cost_nano", { mode: "number" }),
    priced: boolean("priced").notNull(),
    costSource: costSource("cost_source").notNull(),
    estimated: boolean("estimated").notNull().default(false),
    /** Which token buckets were estimated rather than reported (e.g. `{output}`); null when nothing was. */
    estimatedParts: text("estimated_parts").array(),
    status: usageStatus("status").notNull(),
    /** Why a call ended before the provider finished: `client` (stopped or hung up), `budget` (ran past its reservation). */
    stopReason: text("stop_reason"),
    errorMessage: text("error_message"),
    latencyMs: integer("latency_ms").notNull(),
    ttftMs: integer("ttft_ms"),
    rawUsage: jsonb("raw_usage"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** The API token the call came through (gateway) or that reported it (track); null for chat. */
    apiTokenId: uuid("api_token_id").references(() => apiTokens.id, { onDelete: "set null" }),
    /** The skill an app tagged the call with (`x-spendboard-skill`, `/api/track` `skill_id`). */
    skill: text("skill"),
    /** The client's session tag (`x-spendboard-session`, `/api/track` `session_id`). */
    sessionTag: text("session_tag"),
    /** The tool a tracked event reported (`/api/track` `tool_name`). */
    toolName: text("tool_name"),
    /** The client's idempotency key (`/api/track` `event_id`): unique per user, so a retried event is stored once. */
    eventId: text("event_id"),
    /** Free-form client metadata (`/api/track` `metadata`, at most 4 KB). */
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    /** The cost the client reported (integer nano-USD), kept beside `cost_nano` whichever one was charged. */
    reportedCostNano: bigint("reported_cost_nano", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("usage_events_request_unique").on(t.requestId),
    index("usage_events_user_created_idx").on(t.userId, t.createdAt),
    index("usage_events_created_idx").on(t.createdAt),
    index("usage_events_conversation_idx").on(t.conversationId),
    index("usage_events_unpriced_idx").on(t.provider, t.model).where(sql`${t.priced} = false`),
    uniqueIndex("usage_events_user_event_unique").on(t.userId, t.eventId).where(sql`${t.eventId} is not null`),
  ],
);
export type UsageEvent = typeof usageEvents.$inferSelect;
export type NewUsageEvent = typeof usageEvents.$inferInsert;

/** The nil UUID stands for "no assistant" in rollup keys, so the key has no NULLs. */
export const NO_ASSISTANT = "00000000-0000-0000-0000-000000000000";

/** Per user × day (in the user's time zone) × provider × model × feature × assistant × source; kept in the event's transaction. */
export const usageDaily = pgTable(
  "usage_daily",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    provider: providerKind("provider").notNull(),
    model: text("model").notNull(),
    feature: text("feature").notNull(),
    assistantId: uuid("assistant_id").notNull().default(NO_ASSISTANT),
    source: usageSource("source").notNull().default("chat"),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
    errorRequests: bigint("error_requests", { mode: "number" }).notNull().default(0),
    unpricedRequests: bigint("unpriced_requests", { mode: "number" }).notNull().default(0),
    estimatedRequests: bigint("estimated_requests", { mode: "number" }).notNull().default(0),
    inputNoCacheTokens: bigint("input_no_cache_tokens", { mode: "number" }).notNull().default(0),
    cacheReadTokens: bigint("cache_read_tokens", { mode: "number" }).notNull().default(0),
    cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    reasoningTokens: bigint("reasoning_tokens", { mode: "number" }).notNull().default(0),
    cacheWrite1hTokens: bigint("cache_write_1h_tokens", { mode: "number" }).notNull().default(0),
    audioInputTokens: bigint("audio_input_tokens", { mode: "number" }).notNull().default(0),
    audioOutputTokens: bigint("audio_output_tokens", { mode: "number" }).notNull().default(0),
    /** Server-side tool requests (web searches, fetches, grounded prompts), all tools together. */
    serverToolRequests: bigint("server_tool_requests", { mode: "number" }).notNull().default(0),
    /** The part of `cost_nano` that is per-request tool fees. */
    toolCostNano: bigint("tool_cost_nano", { mode: "number" }).notNull().default(0),
    costNano: bigint("cost_nano", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "usage_daily_pk", columns: [t.userId, t.day, t.provider, t.model, t.feature, t.assistantId, t.source] }),
    index("usage_daily_day_idx").on(t.day),
  ],
);
export type UsageDaily = typeof usageDaily.$inferSelect;

export const periodKind = pgEnum("period_kind", ["day", "month"]);

/**
 * The budget ledger: what a user spent and holds reserved in one period (a calendar day or month in their time
 * zone). Reservations and settlements update these rows under a row lock, so parallel requests cannot overshoot.
 */
export const budgetLedger = pgTable(
  "budget_ledger",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    periodKind: periodKind("period_kind").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    spentNano: bigint("spent_nano", { mode: "number" }).notNull().default(0),
    reservedNano: bigint("reserved_nano", { mode: "number" }).notNull().default(0),
    tokensUsed: bigint("tokens_used", { mode: "number" }).notNull().default(0),
    tokensReserved: bigint("tokens_reserved", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.periodKind, t.periodStart] })],
);
export type BudgetLedgerRow = typeof budgetLedger.$inferSelect;

/** The most a running request may cost, held against the ledger until it settles or expires. */
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    monthStart: timestamp("month_start", { withTimezone: true }).notNull(),
    dayStart: timestamp("day_start", { withTimezone: true }).notNull(),
    amountNano: bigint("amount_nano", { mode: "number" }).notNull(),
    tokens: bigint("tokens", { mode: "number" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Set when it is settled or released (expired); a closed reservation holds nothing. */
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("budget_reservations_open_idx").on(t.userId, t.expiresAt).where(sql`${t.closedAt} is null`)],
);
export type BudgetReservation = typeof budgetReservations.$inferSelect;

export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    href: text("href"),
    /** Once per threshold per period: e.g. `budget:monthly_cost:user:2026-11-01T00:00:00.000Z:80`. */
    dedupeKey: text("dedupe_key").notNull(),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("notifications_dedupe_unique").on(t.userId, t.dedupeKey), index("notifications_user_created_idx").on(t.userId, t.createdAt)],
);
export type Notification = typeof notifications.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------
// Audit log and alert webhooks

/**
 * Who changed what and when: roles, caps, disabling, price overrides, system-key policy, users' key additions and
 * deletions (never a key itself). Rows are only ever inserted.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    /** Kept in clear so the log still reads after the actor is deleted. */
    actorEmail: text("actor_email").notNull(),
    /** e.g. "user.role_changed", "user.cap_set", "user.disabled", "price_override.saved", "key.added". */
    action: text("action").notNull(),
    targetUserId: uuid("target_user_id").references(() => users.id, { onDelete: "set null" }),
    targetEmail: text("target_email"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_created_idx").on(t.createdAt), index("audit_log_target_idx").on(t.targetUserId, t.createdAt)],
);
export type AuditLogRow = typeof auditLog.$inferSelect;

/**
 * Where budget alerts are POSTed (Slack-compatible JSON with a `text` field): one per user (`scope` = the user id)
 * and one for the organisation (`scope` = "org", set by admins).
 */
export const alertWebhooks = pgTable("alert_webhooks", {
  scope: text("scope").primaryKey(),
  userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  lastStatus: text("last_status"),
  lastError: text("last_error"),
  lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type AlertWebhook = typeof alertWebhooks.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------
// API tokens: how scripts, services and coding tools act as a user (the gateway, /api/track, /api/usage/stats)

/** What a token may do: call models through the gateway, report usage to /api/track, read usage statistics. */
export const API_TOKEN_SCOPES = ["gateway", "track", "read"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * A user's API token. Only its SHA-256 hash is stored (the token itself is shown once, at creation); `prefix` is what
 * lists show (`sb_…abcd`, the last 4 characters). A token acts as its user: it stops working when it is revoked, has
 * expired, or its user is disabled. `monthly_budget_nano` is the token's own limit on top of the user's budgets.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    /** Lower-case hex SHA-256 of the whole token. */
    tokenHash: text("token_hash").notNull(),
    scopes: text("scopes").array().$type<ApiTokenScope[]>().notNull(),
    /** The feature tag for the token's calls when a request names none. */
    defaultFeature: text("default_feature"),
    monthlyBudgetNano: bigint("monthly_budget_nano", { mode: "number" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Updated at most once a minute per token (a write per request would cost more than the lookup). */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_unique").on(t.tokenHash),
    index("api_tokens_user_created_idx").on(t.userId, t.createdAt),
    check("api_tokens_scopes_valid", sql`cardinality(${t.scopes}) > 0 and ${t.scopes} <@ array['gateway','track','read']::text[]`),
  ],
);
export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;

// ---------------------------------------------------------------------------------------------------------------
// Who may join: the registration policy and invitations (lib/registration/)

export const registrationMode = pgEnum("registration_mode", ["open", "invite", "domains"]);
export type RegistrationMode = (typeof registrationMode.enumValues)[number];

/**
 * The one registration policy row (`id` = 1), created from REGISTRATION_MODE, ALLOWED_EMAIL_DOMAINS and
 * REGISTRATION_APPROVAL at its first read; admins change it in /admin/settings.
 */
export const registrationPolicy = pgTable(
  "registration_policy",
  {
    id: integer("id").primaryKey().default(1),
    mode: registrationMode("mode").notNull().default("open"),
    /** Lower-case domains, matched exactly against the part of an email after its `@` (mode `domains`). */
    allowedDomains: text("allowed_domains").array().notNull().default(sql`'{}'::text[]`),
    approvalRequired: boolean("approval_required").notNull().default(false),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("registration_policy_single_row", sql`${t.id} = 1`)],
);
export type RegistrationPolicyRow = typeof registrationPolicy.$inferSelect;

/**
 * A single-use link to register. Only the SHA-256 hash of its token is stored (the link is shown once). Optionally
 * bound to one email address; the account it creates gets `role`. Used, revoked or past `expires_at`, it admits no one.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Lower-case hex SHA-256 of the token. */
    tokenHash: text("token_hash").notNull(),
    /** Lower-cased; null = anyone with the link. */
    email: text("email"),
    role: userRole("role").notNull().default("user"),
    /** The team the new account joins (null: none); an invitation to a deleted team joins none. */
    teamId: uuid("team_id").references((): AnyPgColumn => teams.id, { onDelete: "set null" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    usedBy: uuid("used_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("invitations_token_hash_unique").on(t.tokenHash), index("invitations_created_idx").on(t.createdAt)],
);
export type Invitation = typeof invitations.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------
// Organisation policy: default budgets, the organisation-wide cap, teams (lib/budgets/, db/queries/org-settings.ts,
// db/queries/teams.ts)

/**
 * The one organisation settings row (`id` = 1), created from MONTHLY_COST_BUDGET, DAILY_COST_BUDGET,
 * DAILY_TOKEN_BUDGET and BUDGET_ENFORCEMENT at its first read; admins change it in /admin/settings. The default
 * budget applies to every user beside their own budget and an admin cap; the organisation cap limits the whole
 * deployment's spend per calendar month (UTC). Costs are integer nano-USD; null = no limit.
 */
export const orgSettings = pgTable(
  "org_settings",
  {
    id: integer("id").primaryKey().default(1),
    defaultMonthlyCostLimitNano: bigint("default_monthly_cost_limit_nano", { mode: "number" }),
    defaultDailyCostLimitNano: bigint("default_daily_cost_limit_nano", { mode: "number" }),
    defaultMonthlyTokenLimit: bigint("default_monthly_token_limit", { mode: "number" }),
    defaultDailyTokenLimit: bigint("default_daily_token_limit", { mode: "number" }),
    defaultMode: budgetMode("default_mode").notNull().default("enforce"),
    defaultAlertThresholds: integer("default_alert_thresholds").array().notNull().default(sql`'{50,80,100}'::integer[]`),
    orgMonthlyCostLimitNano: bigint("org_monthly_cost_limit_nano", { mode: "number" }),
    orgMode: budgetMode("org_mode").notNull().default("enforce"),
    orgAlertThresholds: integer("org_alert_thresholds").array().notNull().default(sql`'{50,80,100}'::integer[]`),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("org_settings_single_row", sql`${t.id} = 1`)],
);
export type OrgSettingsRow = typeof orgSettings.$inferSelect;

/** A team: its members' spend adds up to one number, optionally under a team monthly budget (nano-USD). */
export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    monthlyCostLimitNano: bigint("monthly_cost_limit_nano", { mode: "number" }),
    mode: budgetMode("mode").notNull().default("enforce"),
    alertThresholds: integer("alert_thresholds").array().notNull().default(sql`'{50,80,100}'::integer[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("teams_name_unique").on(sql`lower(${t.name})`)],
);
export type Team = typeof teams.$inferSelect;

/** Which team a user is in (one at most) and whether they are one of its admins. */
export const teamMembers = pgTable(
  "team_members",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    isAdmin: boolean("is_admin").notNull().default(false),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("team_members_team_idx").on(t.teamId)],
);
export type TeamMember = typeof teamMembers.$inferSelect;

/**
 * Shared ledger rows beside the per-user budget_ledger: one per scope (`org`, or `team:<uuid>`) and calendar month
 * (UTC) with what everyone in it spent and what running requests hold. Locked after the user's rows (team, then org).
 */
export const scopeLedger = pgTable(
  "scope_ledger",
  {
    scope: text("scope").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    spentNano: bigint("spent_nano", { mode: "number" }).notNull().default(0),
    reservedNano: bigint("reserved_nano", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.periodStart] })],
);
export type ScopeLedgerRow = typeof scopeLedger.$inferSelect;

/** What a reservation holds on a shared ledger row; deleted when it is given back (so it is given back once). */
export const scopeHolds = pgTable(
  "scope_holds",
  {
    reservationId: uuid("reservation_id")
      .notNull()
      .references(() => budgetReservations.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    amountNano: bigint("amount_nano", { mode: "number" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.reservationId, t.scope] }), index("scope_holds_scope_expires_idx").on(t.scope, t.expiresAt)],
);

/** Teams allowed to use the deployment's key for a provider (beside system_key_policy.allow_users = everyone). */
export const systemKeyTeams = pgTable(
  "system_key_teams",
  {
    provider: providerKind("provider").notNull(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.teamId] })],
);
