import "server-only";
import type { DbExecutor } from "@/db";
import { addSpend, adjustReservation, closeReservation, readLedger, type PeriodUsage } from "@/db/queries/ledger";
import { getBudgets, type Budgets } from "@/db/queries/settings";
import { inTransaction } from "@/db/queries/transaction";
import { insertUsageEvents, timeZonesOf, withoutDanglingReferences } from "@/db/queries/usage-events";
import { runSideWrites, type UsageSideWrite } from "@/db/queries/usage-side-writes";
import { isForeignKeyViolation } from "@/db/sql-state";
import type { CostSource, NewUsageEvent, Notification, ProviderKind, UsageSource, UsageStatus } from "@/db/schema";
import { deliverAlertWebhooks } from "@/lib/alerts/webhooks";
import { raiseBudgetAlerts } from "@/lib/budgets/alerts";
import { leaseCallsSettled } from "@/lib/budgets/leases";
import { limitsOf, periodsAt, scopePeriodAt, type Periods } from "@/lib/budgets/limits";
import { localDay } from "@/lib/budgets/periods";
import { describeError, logFailure } from "@/lib/log";
import type { TokenUsage } from "@/lib/pricing/price-book";
import { runInBackground } from "./background";
import { cachedBudgets } from "./metering-context";
import { totalTokens } from "./tokens";

/** One model call, ready to be stored. */
export interface UsageRecord {
  requestId: string;
  userId: string;
  conversationId?: string | null;
  messageId?: string | null;
  assistantId?: string | null;
  provider: ProviderKind;
  model: string;
  feature: string;
  /** Which caller made the call (default `chat`). */
  source?: UsageSource;
  keySource: "user" | "system";
  usage: TokenUsage;
  costNano: number | null;
  costSource: CostSource;
  estimated: boolean;
  /**
   * What was estimated rather than reported and priced: token buckets ("input", "output") and rates the price list
   * lacks (`rate:audio_input`, `rate:audio_output`, `rate:tool:<name>` — billed as text, or not at all for a tool;
   * `rate:byok_upstream` — an OpenRouter BYOK answer without the provider's charge, priced from the price book);
   * null when nothing was.
   */
  estimatedParts?: string[] | null;
  /** OpenRouter BYOK: the provider's charge included in `costNano` beside OpenRouter's fee (null otherwise). */
  upstreamCostNano?: number | null;
  /** The per-request tool fees included in `costNano`. */
  toolCostNano?: number;
  /** Usage fields the provider reported that are not priced (dotted paths into `rawUsage`). */
  unpricedUsageFields?: string[] | null;
  status: UsageStatus;
  /** Why the call ended before the provider finished: `client` (stopped or hung up) or `budget` (ran past its reservation). */
  stopReason?: "client" | "budget" | null;
  errorMessage?: string | null;
  latencyMs: number;
  ttftMs?: number | null;
  rawUsage?: unknown;
  startedAt: Date;
  finishedAt: Date;
  /** The user's time zone as the caller read it (their days and months); read again when absent. */
  timeZone?: string | null;
  /** The budget reservation this call held; closed in the same transaction. */
  reservationId?: string | null;
  /** What the call took from a budget lease (lib/budgets/leases.ts); the lease shrinks by it in the same transaction. */
  leaseHold?: { leaseId: string; amountNano: number; tokens: number } | null;
  /** The API token the call came through (gateway) or that reported it (track). */
  apiTokenId?: string | null;
  /** Tags an app sent: its skill and session (`x-spendboard-skill` / `-session`, `/api/track` `skill_id` / `session_id`). */
  skill?: string | null;
  sessionTag?: string | null;
  /** The tool a tracked event reported. */
  toolName?: string | null;
  /** The client's idempotency key: unique per user, a second event with it is not stored (see insertUsageEvents). */
  eventId?: string | null;
  metadata?: Record<string, unknown> | null;
  /** The cost the client reported (nano-USD), kept whichever cost was charged. */
  reportedCostNano?: number | null;
}

/** A model call's event as stored: the one place a UsageRecord's fields become `usage_events` columns. */
export function toEventRow(r: UsageRecord): NewUsageEvent {
  const serverTools = Object.values(r.usage.serverTools ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  return {
    requestId: r.requestId,
    userId: r.userId,
    conversationId: r.conversationId ?? null,
    messageId: r.messageId ?? null,
    assistantId: r.assistantId ?? null,
    provider: r.provider,
    model: r.model,
    feature: r.feature,
    source: r.source ?? "chat",
    keySource: r.keySource,
    inputNoCacheTokens: r.usage.inputNoCache,
    cacheReadTokens: r.usage.cacheRead,
    cacheWriteTokens: r.usage.cacheWrite,
    outputTokens: r.usage.output,
    reasoningTokens: r.usage.reasoning,
    cacheWrite1hTokens: r.usage.cacheWrite1h ?? 0,
    audioInputTokens: r.usage.audioInput ?? 0,
    audioOutputTokens: r.usage.audioOutput ?? 0,
    serverToolRequests: serverTools > 0 ? (r.usage.serverTools as Record<string, number>) : null,
    toolCostNano: r.toolCostNano ?? 0,
    upstreamCostNano: r.upstreamCostNano ?? null,
    unpricedUsageFields: r.unpricedUsageFields && r.unpricedUsageFields.length > 0 ? r.unpricedUsageFields : null,
    costNano: r.costNano,
    priced: r.costNano !== null,
    costSource: r.costSource,
    estimated: r.estimated,
    estimatedParts: r.estimatedParts ?? (r.estimated ? ["input", "output"] : null),
    status: r.status,
    stopReason: r.stopReason ?? null,
    errorMessage: r.errorMessage ?? null,
    latencyMs: Math.max(0, Math.round(r.latencyMs)),
    ttftMs: r.ttftMs === null || r.ttftMs === undefined ? null : Math.max(0, Math.round(r.ttftMs)),
    rawUsage: r.rawUsage ?? null,
    startedAt: r.startedAt,
    createdAt: r.finishedAt,
    apiTokenId: r.apiTokenId ?? null,
    skill: r.skill ?? null,
    sessionTag: r.sessionTag ?? null,
    toolName: r.toolName ?? null,
    eventId: r.eventId ?? null,
    metadata: r.metadata ?? null,
    reportedCostNano: r.reportedCostNano ?? null,
  };
}

const RETRY_DELAYS_MS = [100, 400, 1600];

export interface RecordOptions {
  /**
   * Rows that belong with these records (the chat answer they paid for, a generated title), written in the same
   * statement as their events: guarded writes that cannot fail on their own (db/queries/usage-side-writes.ts).
   */
  sideWrites?: UsageSideWrite[];
}

/**
 * Stores model calls: each usage event, its daily rollup, the budget ledger's spend and the release of the call's
 * reservation, all in one transaction (a retried write cannot count twice: request ids are unique). Retries a
 * failed write a few times; if it still fails, logs every request id and throws. Budget alerts the write created are
 * handed to the alert webhooks once it has committed, in the background (a failing webhook cannot fail the write).
 */
export async function recordUsage(records: UsageRecord[], options: RecordOptions = {}): Promise<void> {
  if (records.length === 0 && !options.sideWrites?.length) return;
  let lastError: unknown;
  // After an insert failed on a foreign key (the call's conversation or assistant was deleted meanwhile), the next
  // attempts store the events without the references that are gone.
  let repair = false;
  for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length + 1; attempt++) {
    try {
      await writeUsageOnce(records, options, repair);
      return;
    } catch (error) {
      lastError = error;
      if (isForeignKeyViolation(error)) repair = true;
      const delay = RETRY_DELAYS_MS[attempt - 1];
      if (delay === undefined) break;
      console.warn(
        "[usage] write attempt %d failed for %s; retrying: %s",
        attempt,
        records.map((r) => r.requestId).join(", "),
        describeError(error),
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  logFailure("usage", "writing usage (LOST after retries)", lastError, { requestId: records.map((r) => r.requestId).join(", ") });
  throw lastError;
}

/**
 * One attempt at storing `records` in one transaction (no retries), handing the budget alerts it created to the alert
 * webhooks once committed. The usage queue (lib/usage/usage-queue.ts) writes a group of callers' records with it and,
 * if the group fails, falls back to `recordUsage` per caller.
 */
export async function writeUsageOnce(records: UsageRecord[], options: RecordOptions = {}, repair = false): Promise<void> {
  if (records.length === 0 && !options.sideWrites?.length) return;
  const { alerts } = await writeUsage(records, options, repair);
  if (alerts.length > 0) runInBackground(`alert webhooks for ${alerts.length} budget alert(s)`, () => deliverAlertWebhooks(alerts));
}

/** Writes the records in one transaction; returns the budget alert notifications it created. */
async function writeUsage(records: UsageRecord[], options: RecordOptions, repair = false): Promise<{ alerts: Notification[] }> {
  const userIds = [...new Set(records.map((r) => r.userId))];
  // The budgets the alerts are checked against, where this process read them within the second (the caller did).
  const budgets = new Map(await Promise.all(userIds.map(async (userId) => [userId, await cachedBudgets(userId)] as const)));
  const sideWrites = options.sideWrites ?? [];
  const written = await inTransaction(async (tx) => {
    if (records.length === 0) {
      await runSideWrites(sideWrites, tx);
      return { alerts: [] };
    }
    // The callers' reading of the users' time zones, else the users' rows.
    const known = new Map(records.flatMap((r) => (r.timeZone ? [[r.userId, r.timeZone] as const] : [])));
    const zones = userIds.every((userId) => known.has(userId)) ? known : await timeZonesOf({ userIds }, tx);
    const zoneOf = (userId: string) => zones.get(userId) ?? "UTC";
    const ledgers = await writeRecords(tx, records, zoneOf, repair, sideWrites);
    const alerts: Notification[] = [];
    for (const userId of userIds) {
      const latest = Math.max(...records.filter((r) => r.userId === userId).map((r) => r.finishedAt.getTime()));
      alerts.push(...(await alertsFor(tx, { userId, timeZone: zoneOf(userId), at: new Date(latest), budgets: budgets.get(userId), ledgers })));
    }
    return { alerts };
  });
  // Committed: the leases these calls were taken from now hold that much less (whether shrunk now or by an earlier
  // write of the same records whose commit was not confirmed).
  leaseCallsSettled(records.flatMap((r) => (r.leaseHold ? [r.leaseHold] : [])));
  return written;
}

/**
 * The events (one statement), their rollups (one), the ledger's spend once per user and pair of periods, and the
 * release of each call's reservation. Spend is added only for events stored now (a retried write adds nothing).
 */
/** The user's ledger rows as the spend left them, by user and periods (`ledgerKey`). */
type LedgerAfter = Map<string, { month: PeriodUsage; day: PeriodUsage }>;

const ledgerKey = (userId: string, periods: Periods) => `${userId}|${periods.month.start.toISOString()}|${periods.day.start.toISOString()}`;

async function writeRecords(
  tx: DbExecutor,
  records: UsageRecord[],
  zoneOf: (userId: string) => string,
  repair: boolean,
  sideWrites: UsageSideWrite[],
): Promise<LedgerAfter> {
  const rows = records.map(toEventRow);
  const events = repair ? await withoutDanglingReferences(rows, tx) : rows;
  const entries = records.map((record, i) => ({ record, event: events[i]!, day: localDay(record.finishedAt, zoneOf(record.userId)) }));
  const stored = await insertUsageEvents(entries, tx, sideWrites);
  const spend = new Map<string, Parameters<typeof addSpend>[0]>();
  for (const { record } of entries) {
    if (!stored.has(record.requestId)) continue;
    const periods = periodsAt(zoneOf(record.userId), record.finishedAt);
    // The shared rows' month (UTC) may differ from the user's own month at its edges.
    const scopePeriod = scopePeriodAt(record.finishedAt);
    const apiTokenId = record.apiTokenId ?? null;
    const key = `${ledgerKey(record.userId, periods)}|${apiTokenId}|${scopePeriod.start.toISOString()}`;
    const group = spend.get(key) ?? { userId: record.userId, apiTokenId, periods, scopePeriod, costNano: 0, tokens: 0, now: record.finishedAt };
    group.costNano += record.costNano ?? 0;
    group.tokens += totalTokens(record.usage);
    if (record.finishedAt > group.now) group.now = record.finishedAt;
    spend.set(key, group);
  }
  const ledgers: LedgerAfter = new Map();
  for (const group of spend.values()) ledgers.set(ledgerKey(group.userId, group.periods), await addSpend(group, tx));
  for (const record of records) if (record.reservationId) await closeReservation({ id: record.reservationId, now: record.finishedAt }, tx);
  // A lease shrinks by what its calls stored now had taken (a retried write's calls shrank it when first stored).
  const leases = new Map<string, { nano: number; tokens: number; now: Date }>();
  for (const { record } of entries) {
    if (!record.leaseHold || !stored.has(record.requestId)) continue;
    const lease = leases.get(record.leaseHold.leaseId) ?? { nano: 0, tokens: 0, now: record.finishedAt };
    lease.nano += record.leaseHold.amountNano;
    lease.tokens += record.leaseHold.tokens;
    if (record.finishedAt > lease.now) lease.now = record.finishedAt;
    leases.set(record.leaseHold.leaseId, lease);
  }
  for (const [id, lease] of leases) await adjustReservation({ id, deltaNano: -lease.nano, deltaTokens: -lease.tokens, now: lease.now }, tx);
  return ledgers;
}

/** The budget alerts the user's spend crossed, on the ledger rows this write left (read again if it added none there). */
async function alertsFor(
  tx: DbExecutor,
  { userId, timeZone, at, budgets, ledgers }: { userId: string; timeZone: string; at: Date; budgets: Budgets | undefined; ledgers: LedgerAfter },
): Promise<Notification[]> {
  const limits = limitsOf(budgets ?? (await getBudgets({ userId }, tx)));
  if (limits.length === 0) return [];
  const periods = periodsAt(timeZone, at);
  const used = ledgers.get(ledgerKey(userId, periods)) ?? (await readLedger({ userId, periods }, tx));
  return raiseBudgetAlerts(tx, userId, limits, periods, used, timeZone);
}
