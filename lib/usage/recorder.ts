import "server-only";
import { inArray, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { getBudgets } from "@/db/queries/settings";
import { NO_ASSISTANT, usageDaily, usageEvents, users, type CostSource, type Notification, type ProviderKind, type UsageSource, type UsageStatus } from "@/db/schema";
import { deliverAlertWebhooks } from "@/lib/alerts/webhooks";
import { raiseBudgetAlerts } from "@/lib/budgets/alerts";
import { addSpend, closeReservation, ensureLedgerRows, readLedger, type Tx } from "@/lib/budgets/ledger";
import { limitsOf, periodsAt } from "@/lib/budgets/limits";
import { localDay } from "@/lib/budgets/periods";
import { describeError, logFailure } from "@/lib/log";
import type { TokenUsage } from "@/lib/pricing/price-book";
import { runInBackground } from "./background";
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
  /** The budget reservation this call held; closed in the same transaction. */
  reservationId?: string | null;
}

/** Test seam: lets a test make a write attempt fail. */
export const recorderHooks: { beforeWrite?: (attempt: number) => void | Promise<void> } = {};

const RETRY_DELAYS_MS = [100, 400, 1600];

/**
 * Stores model calls: each usage event, its daily rollup, the budget ledger's spend and the release of the call's
 * reservation, all in one transaction (a retried write cannot count twice: request ids are unique). Retries a
 * failed write a few times; if it still fails, logs every request id and throws. Budget alerts the write created are
 * handed to the alert webhooks once it has committed, in the background (a failing webhook cannot fail the write).
 */
export async function recordUsage(records: UsageRecord[]): Promise<void> {
  if (records.length === 0) return;
  let lastError: unknown;
  for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length + 1; attempt++) {
    try {
      await recorderHooks.beforeWrite?.(attempt);
      const alerts = await writeUsage(records);
      if (alerts.length > 0) runInBackground(`alert webhooks for ${alerts.length} budget alert(s)`, () => deliverAlertWebhooks(alerts));
      return;
    } catch (error) {
      lastError = error;
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

/** Writes the records in one transaction; returns the budget alert notifications it created. */
async function writeUsage(records: UsageRecord[]): Promise<Notification[]> {
  const db = await getDb();
  const userIds = [...new Set(records.map((r) => r.userId))];
  return db.transaction(async (tx) => {
    const zones = await tx.select({ id: users.id, timeZone: users.timeZone }).from(users).where(inArray(users.id, userIds));
    const zoneOf = (userId: string) => zones.find((z) => z.id === userId)?.timeZone ?? "UTC";
    for (const record of records) await writeOne(tx, record, zoneOf(record.userId));
    const alerts: Notification[] = [];
    for (const userId of userIds) alerts.push(...(await alertsFor(tx, userId, zoneOf(userId), records.filter((r) => r.userId === userId).at(-1)!.finishedAt)));
    return alerts;
  });
}

async function writeOne(tx: Tx, r: UsageRecord, timeZone: string): Promise<void> {
  const periods = periodsAt(timeZone, r.finishedAt);
  const serverTools = Object.values(r.usage.serverTools ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  const toolCost = r.toolCostNano ?? 0;
  // Before the insert: a new ledger row sums the events already stored, and must not count this one twice.
  await ensureLedgerRows(tx, r.userId, periods);
  const inserted = await tx
    .insert(usageEvents)
    .values({
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
    })
    .onConflictDoNothing({ target: usageEvents.requestId })
    .returning({ id: usageEvents.id });
  if (inserted.length > 0) {
    const cost = r.costNano ?? 0;
    const one = (flag: boolean) => (flag ? 1 : 0);
    await tx
      .insert(usageDaily)
      .values({
        userId: r.userId,
        day: localDay(r.finishedAt, timeZone),
        provider: r.provider,
        model: r.model,
        feature: r.feature,
        assistantId: r.assistantId ?? NO_ASSISTANT,
        source: r.source ?? "chat",
        requests: 1,
        errorRequests: one(r.status === "error"),
        unpricedRequests: one(r.costNano === null),
        estimatedRequests: one(r.estimated),
        inputNoCacheTokens: r.usage.inputNoCache,
        cacheReadTokens: r.usage.cacheRead,
        cacheWriteTokens: r.usage.cacheWrite,
        outputTokens: r.usage.output,
        reasoningTokens: r.usage.reasoning,
        cacheWrite1hTokens: r.usage.cacheWrite1h ?? 0,
        audioInputTokens: r.usage.audioInput ?? 0,
        audioOutputTokens: r.usage.audioOutput ?? 0,
        serverToolRequests: serverTools,
        toolCostNano: toolCost,
        costNano: cost,
      })
      .onConflictDoUpdate({
        target: [usageDaily.userId, usageDaily.day, usageDaily.provider, usageDaily.model, usageDaily.feature, usageDaily.assistantId, usageDaily.source],
        set: {
          requests: sql`${usageDaily.requests} + 1`,
          errorRequests: sql`${usageDaily.errorRequests} + ${one(r.status === "error")}`,
          unpricedRequests: sql`${usageDaily.unpricedRequests} + ${one(r.costNano === null)}`,
          estimatedRequests: sql`${usageDaily.estimatedRequests} + ${one(r.estimated)}`,
          inputNoCacheTokens: sql`${usageDaily.inputNoCacheTokens} + ${r.usage.inputNoCache}`,
          cacheReadTokens: sql`${usageDaily.cacheReadTokens} + ${r.usage.cacheRead}`,
          cacheWriteTokens: sql`${usageDaily.cacheWriteTokens} + ${r.usage.cacheWrite}`,
          outputTokens: sql`${usageDaily.outputTokens} + ${r.usage.output}`,
          reasoningTokens: sql`${usageDaily.reasoningTokens} + ${r.usage.reasoning}`,
          cacheWrite1hTokens: sql`${usageDaily.cacheWrite1hTokens} + ${r.usage.cacheWrite1h ?? 0}`,
          audioInputTokens: sql`${usageDaily.audioInputTokens} + ${r.usage.audioInput ?? 0}`,
          audioOutputTokens: sql`${usageDaily.audioOutputTokens} + ${r.usage.audioOutput ?? 0}`,
          serverToolRequests: sql`${usageDaily.serverToolRequests} + ${serverTools}`,
          toolCostNano: sql`${usageDaily.toolCostNano} + ${toolCost}`,
          costNano: sql`${usageDaily.costNano} + ${cost}`,
        },
      });
    await addSpend(tx, r.userId, periods, cost, totalTokens(r.usage));
  }
  if (r.reservationId) await closeReservation(tx, r.reservationId, r.finishedAt);
}

async function alertsFor(tx: Tx, userId: string, timeZone: string, at: Date): Promise<Notification[]> {
  const limits = limitsOf(await getBudgets({ userId }, tx));
  if (limits.length === 0) return [];
  const periods = periodsAt(timeZone, at);
  return raiseBudgetAlerts(tx, userId, limits, periods, await readLedger(tx, userId, periods), timeZone);
}
