import "server-only";
import type { ApiTokenRow } from "@/db/queries/api-tokens";
import { readScopeLedger } from "@/db/queries/ledger";
import { tokenSpend } from "@/db/queries/usage-stats";
import { planReservation, type CallEstimate } from "@/lib/budgets/ledger";
import { apiTokenLimit, isTokenLimit, scopePeriodAt, type BudgetLimit } from "@/lib/budgets/limits";
import { formatUsdExact } from "@/lib/money";
import { getBudgetOverview, type BudgetLimitView } from "@/lib/settings/budget";

/**
 * A user's budget state for scripts: `/api/budget/check` (may a call of this size go ahead?) and the `budget` of a
 * `/api/track` answer. Read-only — nothing is reserved. The limits and what is spent and held come from the same
 * overview the settings page shows; whether a call fits is the ledger's own arithmetic (`planReservation`), limit by
 * limit, exactly as the gateway would decide it now: a call fits when its input and at least one output token fit
 * every enforced limit (the gateway then clamps the output to `max_output_tokens`). Budgets in `warn` mode never block.
 * A token with its own monthly budget adds that limit, counting the token's calls this calendar month in UTC.
 */

export interface LimitState {
  name: string;
  kind: BudgetLimitView["limitKind"];
  mode: BudgetLimitView["mode"];
  /** nano-USD for cost limits, tokens for token limits. */
  limit: number;
  used: number;
  reserved: number;
  remaining: number;
  resets_at: string;
}

export interface BudgetState {
  allowed: boolean;
  /** Why not (the limit, what is used and held, when it resets); null when allowed. */
  reason: string | null;
  /** What the tightest enforced cost limit has left (nano-USD); null when no cost limit is enforced. */
  remaining_nano: number | null;
  /** What the tightest enforced token limit has left; null when none is enforced. */
  remaining_tokens: number | null;
  /** When the limit that decides (the refusing one, else the tightest cost limit) resets. */
  resets_at: string | null;
  limits: LimitState[];
}

const PERIOD = { monthly_cost: "month", daily_cost: "day", monthly_tokens: "month", daily_tokens: "day" } as const;

function asLimit(state: LimitState): BudgetLimit {
  return { kind: state.kind, source: "user", limit: state.limit, mode: state.mode, thresholds: [], name: state.name, period: PERIOD[state.kind] };
}

/**
 * The calling token's own monthly budget, when it has one: its shared ledger row (the token's calls this calendar
 * month in UTC, and what its running calls hold), or, before the token's first call of the month, its stored calls.
 */
async function tokenLimit(token: Pick<ApiTokenRow, "id" | "name" | "monthlyBudgetNano">, now: Date): Promise<LimitState | null> {
  const limit = apiTokenLimit(token);
  if (!limit) return null;
  const month = scopePeriodAt(now);
  const row = (await readScopeLedger({ scopes: [limit.scopeKey!], period: month })).get(limit.scopeKey!);
  const used = row ? row.spentNano : await tokenSpend({ tokenId: token.id, startsAt: month.start.toISOString(), endsAt: month.end.toISOString() });
  const reserved = row?.reservedNano ?? 0;
  return { name: limit.name, kind: "monthly_cost", mode: "enforce", limit: limit.limit, used, reserved, remaining: Math.max(0, limit.limit - used - reserved), resets_at: month.end.toISOString() };
}

function stateOf(view: BudgetLimitView): LimitState {
  return {
    name: view.name,
    kind: view.limitKind,
    mode: view.mode,
    limit: view.limit,
    used: view.used,
    reserved: view.reserved,
    remaining: Math.max(0, view.limit - view.used - view.reserved),
    resets_at: view.resetsAt,
  };
}

function refusal(limit: LimitState): string {
  const tokens = isTokenLimit(limit.kind);
  const amount = (v: number) => (tokens ? `${v.toLocaleString("en-US")} tokens` : formatUsdExact(v));
  const name = limit.name.charAt(0).toUpperCase() + limit.name.slice(1);
  const held = limit.reserved > 0 ? ` (${amount(limit.reserved)} of it held by running requests)` : "";
  const left = limit.remaining > 0 ? ` The ${amount(limit.remaining)} left does not cover this call.` : "";
  return `${name} reached: ${amount(limit.used + limit.reserved)} of ${amount(limit.limit)} used${held}.${left} It resets ${limit.resets_at}.`;
}

function tightest(limits: LimitState[], tokens: boolean): LimitState | undefined {
  return limits.filter((l) => l.mode === "enforce" && isTokenLimit(l.kind) === tokens).sort((a, b) => a.remaining - b.remaining)[0];
}

export interface CheckResult extends BudgetState {
  /** The largest output the budgets leave for this call (the gateway's clamp); null without an estimate. */
  max_output_tokens: number | null;
}

/**
 * The state, and with `estimate` whether that call fits. Without an estimate a call is allowed while every enforced
 * limit has something left.
 */
export async function checkBudget(
  user: { id: string; timeZone: string | null },
  estimate?: CallEstimate,
  token?: Pick<ApiTokenRow, "id" | "name" | "monthlyBudgetNano"> | null,
  now: Date = new Date(),
): Promise<CheckResult> {
  const [overview, own] = await Promise.all([
    getBudgetOverview(user.id, user.timeZone),
    token ? tokenLimit(token, now) : null,
  ]);
  const limits = [...overview.limits.map(stateOf), ...(own ? [own] : [])];
  const cost = tightest(limits, false);
  const tokens = tightest(limits, true);
  let refused: LimitState | undefined;
  let maxOutputTokens: number | null = null;
  if (estimate) {
    maxOutputTokens = estimate.maxOutputTokens;
    for (const limit of limits) {
      if (limit.mode !== "enforce") continue;
      const usage = { spentNano: limit.used, reservedNano: limit.reserved, tokensUsed: limit.used, tokensReserved: limit.reserved };
      const plan = planReservation([asLimit(limit)], { month: usage, day: usage } as Parameters<typeof planReservation>[1], estimate);
      if (!plan.ok) {
        if (!refused || limit.remaining < refused.remaining) refused = limit;
      } else {
        maxOutputTokens = Math.min(maxOutputTokens, plan.maxOutputTokens);
      }
    }
    if (refused) maxOutputTokens = 0;
  } else {
    refused = [cost, tokens].find((l) => l !== undefined && l.remaining <= 0);
  }
  return {
    allowed: !refused,
    reason: refused ? refusal(refused) : null,
    remaining_nano: cost ? cost.remaining : null,
    remaining_tokens: tokens ? tokens.remaining : null,
    resets_at: (refused ?? cost ?? tokens)?.resets_at ?? null,
    max_output_tokens: maxOutputTokens,
    limits,
  };
}
