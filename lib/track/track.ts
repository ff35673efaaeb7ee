import "server-only";
import type { ApiTokenAuth } from "@/lib/api-tokens/authenticate";
import { storedRequestIds } from "@/db/queries/usage-stats";
import { AppError } from "@/lib/errors";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { meteredCall } from "@/lib/usage/metered-call";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { checkBudget, type BudgetState } from "./budget";
import { eventsOf, issueMessage, MAX_EVENTS, MAX_TS_AGE_MS, MAX_TS_AHEAD_MS, trackEventSchema } from "./event";
import { trackedModel } from "./model";
import { trackedUsage } from "./usage";

/**
 * `POST /api/track`: usage of calls an app made itself, reported with an API token (scope `track`). Each event is
 * validated on its own — a bad one is rejected alone, the rest are stored — and becomes one usage event through a
 * metered call (source `track`, the token, the app's tags), priced once from the price book or charged at the cost
 * the app reported. The whole batch is stored with one `recordUsage` call: events, daily rollups, the budget ledger's
 * spend and budget alerts in one transaction. Tracked spend cannot be refused (it already happened), but it counts
 * toward every budget. An `event_id` seen before for this user (in an earlier request, or earlier in this batch) is
 * acknowledged as a duplicate and not stored again: the database's unique index decides, so retries racing each
 * other still store it once.
 */

export interface Rejection {
  index: number;
  code: "invalid_event" | "invalid_tokens" | "invalid_ts";
  message: string;
}

export interface TrackResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
  budget: BudgetState;
}

export async function trackUsage(auth: ApiTokenAuth, body: unknown, now: Date = new Date()): Promise<TrackResult> {
  const events = eventsOf(body);
  if (!events) throw new AppError("bad_request", 'Send one event as a JSON object, or a batch as {"events": [ … ]}.');
  if (events.length === 0) throw new AppError("bad_request", 'The batch is empty: send at least one event in "events".');
  if (events.length > MAX_EVENTS) {
    throw new AppError("payload_too_large", `A batch holds at most ${MAX_EVENTS.toLocaleString("en-US")} events (this one has ${events.length.toLocaleString("en-US")}): send them in smaller batches.`, {
      details: { maxEvents: MAX_EVENTS, events: events.length },
    });
  }
  const { user, token } = auth;
  const overrides = await loadPriceOverrides();
  const rejected: Rejection[] = [];
  const records: UsageRecord[] = [];
  for (const [index, raw] of events.entries()) {
    const parsed = trackEventSchema.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, code: "invalid_event", message: issueMessage(parsed.error) });
      continue;
    }
    const event = parsed.data;
    const finishedAt = event.ts ?? now;
    if (finishedAt.getTime() > now.getTime() + MAX_TS_AHEAD_MS || finishedAt.getTime() < now.getTime() - MAX_TS_AGE_MS) {
      rejected.push({ index, code: "invalid_ts", message: "ts must be at most 5 minutes ahead of the server's clock and at most 400 days old." });
      continue;
    }
    const { provider, modelId } = trackedModel(event.model_name, event.provider, overrides);
    const usage = trackedUsage(provider, event);
    if ("error" in usage) {
      rejected.push({ index, code: "invalid_tokens", message: usage.error });
      continue;
    }
    // No call is made: the model is only a name here (the metered call prices it; nothing instantiates it).
    const target: ResolvedModel = { model: `${provider}:${modelId}`, provider, modelId, keySource: "user" };
    const call = meteredCall(target, {
      userId: user.id,
      feature: event.feature ?? token.defaultFeature ?? "api",
      source: "track",
      overrides,
      enforceBudget: false,
      apiTokenId: token.id,
      skill: event.skill_id ?? null,
      sessionTag: event.session_id ?? null,
    });
    records.push(
      call.recordReported({
        usage,
        status: event.status ?? "ok",
        startedAt: new Date(finishedAt.getTime() - (event.latency_ms ?? 0)),
        finishedAt,
        ttftMs: event.ttft_ms ?? null,
        reportedCostNano: event.cost_usd ?? null,
        toolName: event.tool_name ?? null,
        eventId: event.event_id ?? null,
        metadata: event.metadata ?? null,
      }),
    );
  }
  await recordUsage(records);
  const stored = await storedRequestIds({ requestIds: records.map((r) => r.requestId) });
  const accepted = records.filter((r) => stored.has(r.requestId)).length;
  const { allowed, reason, remaining_nano, remaining_tokens, resets_at, limits } = await checkBudget(user, undefined, token);
  return { accepted, duplicates: records.length - accepted, rejected, budget: { allowed, reason, remaining_nano, remaining_tokens, resets_at, limits } };
}
