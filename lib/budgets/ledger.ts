import "server-only";
import { randomUUID } from "node:crypto";
import type { DbExecutor } from "@/db";
import {
  closeReservationAlone,
  countOpenReservations,
  countScopeHolds,
  holdOnScopes,
  holdReservation,
  lockLedgerRows,
  lockScopeRows,
  readLedger,
  releaseExpiredReservations,
  releaseExpiredScopeHolds,
  type LedgerRows,
  type PeriodUsage,
  type ScopeRow,
} from "@/db/queries/ledger";
import { getBudgets, type Budgets } from "@/db/queries/settings";
import { inTransactionRetried } from "@/db/queries/transaction";
import { getUserById } from "@/db/queries/users";
import type { BudgetLedgerRow } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatUsdExact } from "@/lib/money";
import { isSharedLimit, isTokenLimit, limitsOf, periodsAt, scopePeriodAt, type BudgetLimit, type Periods } from "./limits";

/**
 * The budget ledger's policy: one row per user and period (calendar month, calendar day in the user's time zone)
 * holding what was spent and what running requests hold reserved (db/queries/ledger.ts), and shared rows for a team's
 * and the organisation's monthly spend (calendar month in UTC), held and released by the same reservation. A request reserves the most
 * it may cost under a row lock before its upstream call, and the usage recorder settles the reservation to the real
 * cost when the call ends, so parallel requests — in any number of server processes — cannot overshoot a limit
 * together.
 */

export type { PeriodUsage };

/** How long a reservation holds if its request dies before settling it. */
export const RESERVATION_TTL_MS = Number(process.env.BUDGET_RESERVATION_TTL_MS) || 15 * 60_000;

export interface CallEstimate {
  /** Counted input tokens of the prompt. */
  inputTokens: number;
  /** Cost of the input at the model's price, nano-USD; null when the model is unpriced. */
  inputCostNano: number | null;
  /** Output price, nano-USD per million tokens (the higher of output and reasoning); null when unpriced. */
  outputNanoPerMTok: number | null;
  /** The output cap the caller asked for. */
  maxOutputTokens: number;
  /**
   * The least output cap that can still hold an answer (default 1): a thinking model's reasoning floor plus one
   * token. A budget that would clamp the cap below it refuses the call instead of paying for an empty answer.
   */
  minOutputTokens?: number;
}

export interface Reservation {
  id: string;
  /** The output cap clamped so that the call cannot cost more than every enforced budget has left. */
  maxOutputTokens: number;
  amountNano: number;
  tokens: number;
  /** Taken from this process's budget lease (lib/budgets/leases.ts), not held by a row of its own: its id. */
  leaseId?: string;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** The most `outputTokens` can cost at `nanoPerMTok`, rounded up. */
export function outputCostCeil(outputTokens: number, nanoPerMTok: number): number {
  return Number(ceilDiv(BigInt(outputTokens) * BigInt(nanoPerMTok), 1_000_000n));
}

/** The largest output that keeps `inputCost + output` within `headroom` (-1 when even the input does not fit). */
export function outputThatFits(headroomNano: number, inputCostNano: number, nanoPerMTok: number): number {
  const left = headroomNano - inputCostNano;
  if (left < 0) return -1;
  if (nanoPerMTok === 0) return Number.MAX_SAFE_INTEGER;
  return Number((BigInt(left) * 1_000_000n) / BigInt(nanoPerMTok));
}

/**
 * What a call holds with this output cap: its input and at most `maxOutputTokens` of output, at the estimate's prices
 * (nothing in nano-USD when the model is unpriced), and those tokens.
 */
export function holdFor(estimate: CallEstimate, maxOutputTokens: number): { amountNano: number; tokens: number } {
  const priced = estimate.inputCostNano !== null && estimate.outputNanoPerMTok !== null;
  return {
    amountNano: priced ? estimate.inputCostNano! + outputCostCeil(maxOutputTokens, estimate.outputNanoPerMTok!) : 0,
    tokens: estimate.inputTokens + maxOutputTokens,
  };
}

/** What a ledger row holds, as a limit reads it (a user's row, or a shared row with no token counts). */
export type LedgerUsage = Pick<BudgetLedgerRow, "spentNano" | "reservedNano" | "tokensUsed" | "tokensReserved">;

export type ReservationPlan =
  | { ok: true; maxOutputTokens: number; amountNano: number; tokens: number }
  | { ok: false; limit: BudgetLimit; row: LedgerUsage };

/** The locked rows a plan reads: the user's month and day, and the shared rows by scope key. */
export interface PlanRows extends Pick<LedgerRows, "month" | "day"> {
  scopes?: Map<string, Pick<ScopeRow, "spentNano" | "reservedNano">>;
}

/** The row a limit counts, as it reads it. */
export function ledgerUsageFor(limit: BudgetLimit, rows: PlanRows): LedgerUsage {
  if (isSharedLimit(limit)) {
    const shared = rows.scopes?.get(limit.scopeKey ?? "");
    return { spentNano: shared?.spentNano ?? 0, reservedNano: shared?.reservedNano ?? 0, tokensUsed: 0, tokensReserved: 0 };
  }
  return limit.period === "month" ? rows.month : rows.day;
}

/**
 * The ledger arithmetic, on its own: what a call may reserve against these enforced limits given the locked rows.
 * The output cap is clamped to what the tightest limit leaves; when limits cannot hold the input and the least output,
 * the tightest of them (the one that leaves least) refuses the call. An unpriced model has no known cost: cost limits
 * cannot hold it back (its usage is flagged).
 */
export function planReservation(limits: BudgetLimit[], rows: PlanRows, estimate: CallEstimate): ReservationPlan {
  const least = estimate.minOutputTokens ?? 1;
  const priced = estimate.inputCostNano !== null && estimate.outputNanoPerMTok !== null;
  let maxOutputTokens = estimate.maxOutputTokens;
  let refusal: { limit: BudgetLimit; row: LedgerUsage; fits: number } | null = null;
  for (const limit of limits) {
    const row = ledgerUsageFor(limit, rows);
    let fits: number;
    if (isTokenLimit(limit.kind)) fits = limit.limit - row.tokensUsed - row.tokensReserved - estimate.inputTokens;
    else if (priced) fits = outputThatFits(limit.limit - row.spentNano - row.reservedNano, estimate.inputCostNano!, estimate.outputNanoPerMTok!);
    else continue;
    if (fits < least) {
      if (!refusal || fits < refusal.fits) refusal = { limit, row, fits };
      continue;
    }
    maxOutputTokens = Math.min(maxOutputTokens, fits);
  }
  if (refusal) return { ok: false, limit: refusal.limit, row: refusal.row };
  return { ok: true, maxOutputTokens, ...holdFor(estimate, maxOutputTokens) };
}

/**
 * The refusal, telling the truth about the period: what is spent, what running requests hold (they give back what
 * they do not use when they finish) and what is left but too little for this request. Amounts are exact — a
 * remainder of $0.003426 is never shown as $0.00, a limit of $0.026574 never as $0.03.
 */
async function exceeded(executor: DbExecutor, userId: string, limit: BudgetLimit, row: LedgerUsage, periods: Periods, timeZone: string, now: Date): Promise<AppError> {
  const shared = isSharedLimit(limit);
  const period = shared ? scopePeriodAt(now) : limit.period === "month" ? periods.month : periods.day;
  const resetsAt = period.end.toISOString();
  const when = new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(resetsAt));
  const isTokens = isTokenLimit(limit.kind);
  const used = isTokens ? row.tokensUsed : row.spentNano;
  const held = isTokens ? row.tokensReserved : row.reservedNano;
  const left = Math.max(0, limit.limit - used - held);
  const running =
    held <= 0
      ? 0
      : shared
        ? await countScopeHolds({ scope: limit.scopeKey!, start: period.start }, executor)
        : await countOpenReservations({ userId, period: limit.period, start: period.start }, executor);
  const amount = (v: number) => (isTokens ? `${v.toLocaleString("en-US")} tokens` : formatUsdExact(v));
  const name = limit.name.charAt(0).toUpperCase() + limit.name.slice(1);
  // "$0.02 is held", "1 token is held", "300 tokens are held".
  const verb = (v: number, one: string, many: string) => (isTokens && v !== 1 ? many : one);
  const requests = `${running.toLocaleString("en-US")} running request${running === 1 ? "" : "s"}`;
  let message =
    held > 0
      ? `${name} reached: ${amount(held)} of ${amount(limit.limit)} ${verb(held, "is", "are")} held by ${requests}; ${amount(used)} ${isTokens ? "used" : "spent"}.`
      : `${name} reached: ${amount(used)} of ${amount(limit.limit)} used.`;
  if (left > 0) message += ` The ${amount(left)} left ${verb(left, "does", "do")} not cover this request.`;
  if (held > 0) message += " Running requests give back what they do not use when they finish.";
  if (limit.scope === "org") message += " This cap covers everyone's spend together; an admin can raise it in the admin settings.";
  else if (limit.scope === "team") message += " This budget covers your team's spend together; an admin can change it.";
  else if (limit.scope === "token") message += " This budget covers the calls made with this API token; change it in Settings → API tokens.";
  message += ` It resets ${when} (${timeZone}).`;
  return new AppError("budget_exceeded", message, {
    details: {
      budget: limit.name,
      kind: limit.kind,
      source: limit.source,
      scope: limit.scope ?? "user",
      limitNano: isTokens ? null : limit.limit,
      spentNano: isTokens ? null : used,
      heldNano: isTokens ? null : held,
      leftNano: isTokens ? null : left,
      limitTokens: isTokens ? limit.limit : null,
      usedTokens: isTokens ? used : null,
      heldTokens: isTokens ? held : null,
      runningRequests: running,
      resetsAt,
      settingsUrl: "/settings?tab=budget",
    },
  });
}

/** What a caller may already know (loaded with its other reads), so the reservation does not read it again. */
export interface ReserveContext {
  budgets?: Budgets;
  /** Limits beyond the user's budgets that this call is under (an API token's own budget). */
  extraLimits?: BudgetLimit[];
  timeZone?: string;
  now?: Date;
}

/** The limits a call is held back by: the user's budgets and the call's extra limits in `enforce` mode. */
export async function enforcedLimits(userId: string, context: ReserveContext, executor?: DbExecutor): Promise<BudgetLimit[]> {
  const budgets = context.budgets ?? (await getBudgets({ userId }, executor));
  return [...limitsOf(budgets), ...(context.extraLimits ?? [])].filter((l) => l.mode === "enforce");
}

/**
 * Reserves the most a model call may cost against every enforced budget, atomically (the ledger rows are locked
 * for the transaction). The output cap is clamped to what the tightest budget has left; when not even the input
 * and the least output fit, throws `budget_exceeded` naming that budget — the caller makes no upstream call.
 * Budgets in `warn` mode never block; the usage recorder raises their alerts. Without any enforced budget there is
 * nothing to reserve: null.
 *
 * With `executor` (a transaction the caller holds, e.g. the chat turn's), the reservation joins it; else it runs in
 * its own transaction, retried once if the database fails. (Model calls reserve through lib/budgets/leases.ts, which
 * takes most reservations from a budget lease in memory and comes here near a limit.)
 */
export async function reserveBudget(userId: string, estimate: CallEstimate, context: ReserveContext = {}, executor?: DbExecutor): Promise<Reservation | null> {
  const limits = await enforcedLimits(userId, context, executor);
  // No enforced limit: nothing to hold back, and no lock to take (the recorder still keeps the ledger).
  if (limits.length === 0) return null;
  const now = context.now ?? new Date();
  const timeZone = context.timeZone ?? (await getUserById({ id: userId }, executor))?.timeZone ?? "UTC";
  if (executor) return reserveIn(executor, randomUUID(), userId, limits, estimate, timeZone, now);
  // The id is chosen up front so that a reservation whose commit was not confirmed (the database dropped the answer)
  // can still be given back before the one retry: a no-op if nothing was stored.
  let id = randomUUID();
  return inTransactionRetried((tx) => reserveIn(tx, id, userId, limits, estimate, timeZone, now), {
    onFailure: async () => {
      const failed = id;
      id = randomUUID();
      await closeReservationAlone({ id: failed, now: new Date() });
    },
  });
}

/** The rows a reservation is decided on, locked, and the plan they allow. */
export interface LockedPlan {
  plan: ReservationPlan;
  rows: PlanRows;
  periods: Periods;
  /** The shared rows the limits count (teams, then tokens, then the organisation: the lock order). */
  scopes: string[];
  scopePeriod: { start: Date; end: Date };
}

/**
 * Locks the user's ledger rows of the periods `now` falls in and the shared rows the limits count (giving back the
 * holds of requests that died first), and plans the reservation on them. `free` is held on every one of those rows
 * by the caller itself and counts as available (a budget lease's unused part).
 */
export async function lockAndPlan(
  executor: DbExecutor,
  userId: string,
  limits: BudgetLimit[],
  estimate: CallEstimate,
  timeZone: string,
  now: Date,
  free: { nano: number; tokens: number } = { nano: 0, tokens: 0 },
): Promise<LockedPlan> {
  const periods = periodsAt(timeZone, now);
  let rows = await lockLedgerRows({ userId, periods, now }, executor);
  // Holds of requests that died without settling are given back first (rarely any: then read the rows again).
  if (rows.expiredHolds && (await releaseExpiredReservations({ userId, now }, executor)) > 0) {
    rows = await lockLedgerRows({ userId, periods, now }, executor);
  }
  // Shared rows (the team's, the organisation's) are locked after the user's, teams first: the one lock order.
  const scopes = [...new Set(limits.filter((l) => l.scopeKey).map((l) => l.scopeKey!))].sort((a, b) => Number(a === "org") - Number(b === "org") || a.localeCompare(b));
  const scopePeriod = scopePeriodAt(now);
  let shared: PlanRows["scopes"];
  if (scopes.length > 0) {
    let locked = await lockScopeRows({ scopes, period: scopePeriod, now }, executor);
    if (locked.expiredHolds) {
      await releaseExpiredScopeHolds({ scopes, now }, executor);
      locked = await lockScopeRows({ scopes, period: scopePeriod, now }, executor);
    }
    shared = locked.rows;
  }
  const planRows: PlanRows = {
    month: freed(rows.month, free),
    day: freed(rows.day, free),
    scopes: shared && new Map([...shared].map(([key, row]) => [key, { ...row, reservedNano: Math.max(0, row.reservedNano - free.nano) }])),
  };
  return { plan: planReservation(limits, planRows, estimate), rows: planRows, periods, scopes, scopePeriod };
}

/** A user's ledger row as a plan sees it when `free` of what it holds is the caller's own. */
function freed<T extends LedgerUsage>(row: T, free: { nano: number; tokens: number }): T {
  if (free.nano === 0 && free.tokens === 0) return row;
  return { ...row, reservedNano: Math.max(0, row.reservedNano - free.nano), tokensReserved: Math.max(0, row.tokensReserved - free.tokens) };
}

async function reserveIn(
  executor: DbExecutor,
  id: string,
  userId: string,
  limits: BudgetLimit[],
  estimate: CallEstimate,
  timeZone: string,
  now: Date,
): Promise<Reservation> {
  const { plan, periods, scopes, scopePeriod } = await lockAndPlan(executor, userId, limits, estimate, timeZone, now);
  if (!plan.ok) throw await exceeded(executor, userId, plan.limit, plan.row, periods, timeZone, now);
  const expiresAt = new Date(now.getTime() + RESERVATION_TTL_MS);
  await holdReservation({ id, userId, periods, amountNano: plan.amountNano, tokens: plan.tokens, expiresAt, now }, executor);
  await holdOnScopes({ reservationId: id, scopes, period: scopePeriod, amountNano: plan.amountNano, expiresAt, now }, executor);
  return { id, maxOutputTokens: plan.maxOutputTokens, amountNano: plan.amountNano, tokens: plan.tokens };
}

/** Spent and reserved in the user's current periods, for settings and dashboards. Reads only. */
export async function currentLedger(userId: string, timeZone: string, now: Date = new Date()) {
  const periods = periodsAt(timeZone, now);
  return { periods, ...(await readLedger({ userId, periods })) };
}
