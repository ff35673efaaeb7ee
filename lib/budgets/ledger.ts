import "server-only";
import { randomUUID } from "node:crypto";
import { and, count, eq, isNull, lt, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { getBudgets } from "@/db/queries/settings";
import { budgetLedger, budgetReservations, users, type BudgetLedgerRow } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatUsdExact } from "@/lib/money";
import { limitsOf, periodsAt, type BudgetLimit, type Periods } from "./limits";

/**
 * The budget ledger: one row per user and period (calendar month, calendar day in the user's time zone) holding
 * what was spent and what running requests hold reserved. A request reserves the most it may cost under a row lock
 * before its upstream call, and the usage recorder settles the reservation to the real cost when the call ends, so
 * parallel requests — in any number of server processes — cannot overshoot a limit together.
 */

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Executor = Db | Tx;

/** How long a reservation holds if its request dies before settling it. */
export const RESERVATION_TTL_MS = Number(process.env.BUDGET_RESERVATION_TTL_MS) || 15 * 60_000;

/**
 * Makes sure the ledger rows of these periods exist. A new row starts from the usage already recorded in its period
 * (an index range scan, once per user and period), so a changed time zone cannot reset what was spent.
 */
export async function ensureLedgerRows(tx: Executor, userId: string, periods: Periods): Promise<void> {
  for (const [kind, period] of [["month", periods.month], ["day", periods.day]] as const) {
    await tx.execute(sql`
      insert into budget_ledger (user_id, period_kind, period_start, period_end, spent_nano, tokens_used)
      select ${userId}, ${kind}, ${period.start.toISOString()}::timestamptz, ${period.end.toISOString()}::timestamptz,
             coalesce(sum(cost_nano), 0),
             coalesce(sum(input_no_cache_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0)
      from usage_events
      where user_id = ${userId} and created_at >= ${period.start.toISOString()}::timestamptz
        and created_at < ${period.end.toISOString()}::timestamptz
        -- an existing row makes this a one-time false filter: no scan of the events
        and not exists (
          select 1 from budget_ledger
          where user_id = ${userId} and period_kind = ${kind} and period_start = ${period.start.toISOString()}::timestamptz
        )
      on conflict do nothing`);
  }
}

async function lockLedgerRows(tx: Tx, userId: string, periods: Periods): Promise<{ month: BudgetLedgerRow; day: BudgetLedgerRow }> {
  // Always month before day: two transactions never wait on each other in opposite orders.
  const month = await tx
    .select()
    .from(budgetLedger)
    .where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, "month"), eq(budgetLedger.periodStart, periods.month.start)))
    .for("update");
  const day = await tx
    .select()
    .from(budgetLedger)
    .where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, "day"), eq(budgetLedger.periodStart, periods.day.start)))
    .for("update");
  return { month: month[0]!, day: day[0]! };
}

/** Releases the user's reservations whose requests died without settling (their time ran out). */
export async function releaseExpiredReservations(tx: Tx, userId: string, now: Date): Promise<number> {
  const expired = await tx
    .update(budgetReservations)
    .set({ closedAt: now })
    .where(and(eq(budgetReservations.userId, userId), isNull(budgetReservations.closedAt), lt(budgetReservations.expiresAt, now)))
    .returning();
  for (const r of expired) await releaseFromLedger(tx, r);
  return expired.length;
}

async function releaseFromLedger(tx: Executor, r: { userId: string; monthStart: Date; dayStart: Date; amountNano: number; tokens: number }) {
  for (const [kind, start] of [["month", r.monthStart], ["day", r.dayStart]] as const) {
    await tx
      .update(budgetLedger)
      .set({
        reservedNano: sql`greatest(0, ${budgetLedger.reservedNano} - ${r.amountNano})`,
        tokensReserved: sql`greatest(0, ${budgetLedger.tokensReserved} - ${r.tokens})`,
        updatedAt: new Date(),
      })
      .where(and(eq(budgetLedger.userId, r.userId), eq(budgetLedger.periodKind, kind), eq(budgetLedger.periodStart, start)));
  }
}

/** Closes a reservation (settled or abandoned) and gives its hold back to the ledger. Idempotent. */
export async function closeReservation(tx: Tx, reservationId: string, now: Date = new Date()): Promise<void> {
  const [closed] = await tx
    .update(budgetReservations)
    .set({ closedAt: now })
    .where(and(eq(budgetReservations.id, reservationId), isNull(budgetReservations.closedAt)))
    .returning();
  if (closed) await releaseFromLedger(tx, closed);
}

/** Adds a recorded call's real cost and tokens to the ledger rows of the periods it happened in. */
export async function addSpend(tx: Tx, userId: string, periods: Periods, costNano: number, tokens: number): Promise<void> {
  for (const [kind, period] of [["month", periods.month], ["day", periods.day]] as const) {
    await tx
      .update(budgetLedger)
      .set({
        spentNano: sql`${budgetLedger.spentNano} + ${costNano}`,
        tokensUsed: sql`${budgetLedger.tokensUsed} + ${tokens}`,
        updatedAt: new Date(),
      })
      .where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, kind), eq(budgetLedger.periodStart, period.start)));
  }
}

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
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** The most `outputTokens` can cost at `nanoPerMTok`, rounded up. */
function outputCostCeil(outputTokens: number, nanoPerMTok: number): number {
  return Number(ceilDiv(BigInt(outputTokens) * BigInt(nanoPerMTok), 1_000_000n));
}

/** The largest output that keeps `inputCost + output` within `headroom` (can be negative when even the input does not fit). */
function outputThatFits(headroomNano: number, inputCostNano: number, nanoPerMTok: number): number {
  const left = headroomNano - inputCostNano;
  if (left < 0) return -1;
  if (nanoPerMTok === 0) return Number.MAX_SAFE_INTEGER;
  return Number((BigInt(left) * 1_000_000n) / BigInt(nanoPerMTok));
}

/** How many requests hold an open reservation in this period (expired ones are released before this is asked). */
async function runningRequests(tx: Tx, userId: string, limit: BudgetLimit, periods: Periods): Promise<number> {
  const inPeriod =
    limit.period === "month" ? eq(budgetReservations.monthStart, periods.month.start) : eq(budgetReservations.dayStart, periods.day.start);
  const [row] = await tx
    .select({ n: count() })
    .from(budgetReservations)
    .where(and(eq(budgetReservations.userId, userId), isNull(budgetReservations.closedAt), inPeriod));
  return Number(row?.n ?? 0);
}

/**
 * The refusal, telling the truth about the period: what is spent, what running requests hold (they give back what
 * they do not use when they finish) and what is left but too little for this request. Amounts are exact — a
 * remainder of $0.003426 is never shown as $0.00, a limit of $0.026574 never as $0.03.
 */
async function exceeded(tx: Tx, userId: string, limit: BudgetLimit, row: BudgetLedgerRow, periods: Periods, timeZone: string): Promise<AppError> {
  const resetsAt = (limit.period === "month" ? periods.month.end : periods.day.end).toISOString();
  const when = new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(resetsAt));
  const isTokens = limit.kind === "monthly_tokens";
  const used = isTokens ? row.tokensUsed : row.spentNano;
  const held = isTokens ? row.tokensReserved : row.reservedNano;
  const left = Math.max(0, limit.limit - used - held);
  const running = held > 0 ? await runningRequests(tx, userId, limit, periods) : 0;
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
  message += ` It resets ${when} (${timeZone}).`;
  return new AppError("budget_exceeded", message, {
    details: {
      budget: limit.name,
      kind: limit.kind,
      source: limit.source,
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

/**
 * Reserves the most a model call may cost against every enforced budget, atomically (the ledger rows are locked
 * for the transaction). The output cap is clamped to what the tightest budget has left; when not even the input
 * and one output token fit, throws `budget_exceeded` naming that budget — the caller makes no upstream call.
 * Budgets in `warn` mode never block; the usage recorder raises their alerts. Without any enforced budget there is
 * nothing to reserve: null.
 */
export async function reserveBudget(userId: string, estimate: CallEstimate, now: Date = new Date()): Promise<Reservation | null> {
  for (let attempt = 1; ; attempt++) {
    // The id is chosen up front so a reservation whose commit was not confirmed can still be given back.
    const id = randomUUID();
    try {
      return await reserveOnce(id, userId, estimate, now);
    } catch (error) {
      if (error instanceof AppError) throw error;
      // The database failed (e.g. it dropped the connection): the transaction may have committed before the answer
      // was lost. Give back whatever this id holds (a no-op if nothing was stored), then try once more.
      await cancelReservation(id).catch(() => undefined);
      if (attempt >= 2) throw new AppError("database_unavailable", undefined, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function reserveOnce(id: string, userId: string, estimate: CallEstimate, now: Date): Promise<Reservation | null> {
  const db = await getDb();
  const limits = limitsOf(await getBudgets({ userId })).filter((l) => l.mode === "enforce");
  // No enforced limit: nothing to hold back, and no lock to take (the recorder still keeps the ledger).
  if (limits.length === 0) return null;
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId));
    const timeZone = user?.timeZone ?? "UTC";
    const periods = periodsAt(timeZone, now);

    await ensureLedgerRows(tx, userId, periods);
    await releaseExpiredReservations(tx, userId, now);
    const ledger = await lockLedgerRows(tx, userId, periods);

    let maxOutputTokens = estimate.maxOutputTokens;
    for (const limit of limits) {
      const row = limit.period === "month" ? ledger.month : ledger.day;
      if (limit.kind === "monthly_tokens") {
        const used = row.tokensUsed + row.tokensReserved;
        const fits = limit.limit - used - estimate.inputTokens;
        if (fits < (estimate.minOutputTokens ?? 1)) throw await exceeded(tx, userId, limit, row, periods, timeZone);
        maxOutputTokens = Math.min(maxOutputTokens, fits);
      } else if (estimate.inputCostNano !== null && estimate.outputNanoPerMTok !== null) {
        const headroom = limit.limit - row.spentNano - row.reservedNano;
        const fits = outputThatFits(headroom, estimate.inputCostNano, estimate.outputNanoPerMTok);
        if (fits < (estimate.minOutputTokens ?? 1)) throw await exceeded(tx, userId, limit, row, periods, timeZone);
        maxOutputTokens = Math.min(maxOutputTokens, fits);
      }
      // An unpriced model has no known cost: cost limits cannot hold it back (the dashboard flags its usage).
    }

    const amountNano =
      estimate.inputCostNano === null || estimate.outputNanoPerMTok === null
        ? 0
        : estimate.inputCostNano + outputCostCeil(maxOutputTokens, estimate.outputNanoPerMTok);
    const tokens = estimate.inputTokens + maxOutputTokens;
    await tx.insert(budgetReservations).values({
      id,
      userId,
      monthStart: periods.month.start,
      dayStart: periods.day.start,
      amountNano,
      tokens,
      expiresAt: new Date(now.getTime() + RESERVATION_TTL_MS),
    });
    for (const row of [ledger.month, ledger.day]) {
      await tx
        .update(budgetLedger)
        .set({
          reservedNano: sql`${budgetLedger.reservedNano} + ${amountNano}`,
          tokensReserved: sql`${budgetLedger.tokensReserved} + ${tokens}`,
          updatedAt: new Date(),
        })
        .where(and(eq(budgetLedger.userId, userId), eq(budgetLedger.periodKind, row.periodKind), eq(budgetLedger.periodStart, row.periodStart)));
    }
    return { id, maxOutputTokens, amountNano, tokens };
  });
}

/** Gives a reservation back without recording anything (the call never reached the provider). */
export async function cancelReservation(reservationId: string): Promise<void> {
  const db = await getDb();
  await db.transaction((tx) => closeReservation(tx, reservationId));
}

export interface PeriodUsage {
  spentNano: number;
  tokensUsed: number;
  reservedNano: number;
}

/** What the ledger holds for these periods (zero where a row does not exist yet). */
export async function readLedger(executor: Db | Tx, userId: string, periods: Periods): Promise<{ month: PeriodUsage; day: PeriodUsage }> {
  const rows = await executor
    .select()
    .from(budgetLedger)
    .where(and(eq(budgetLedger.userId, userId), sql`(${budgetLedger.periodKind}, ${budgetLedger.periodStart}) in ((${"month"}::period_kind, ${periods.month.start.toISOString()}::timestamptz), (${"day"}::period_kind, ${periods.day.start.toISOString()}::timestamptz))`));
  const usage = (row: BudgetLedgerRow | undefined): PeriodUsage => ({
    spentNano: row?.spentNano ?? 0,
    tokensUsed: row?.tokensUsed ?? 0,
    reservedNano: row?.reservedNano ?? 0,
  });
  return { month: usage(rows.find((r) => r.periodKind === "month")), day: usage(rows.find((r) => r.periodKind === "day")) };
}

/** Spent and reserved in the user's current periods, for settings and dashboards. */
export async function currentLedger(userId: string, timeZone: string, now: Date = new Date()) {
  const db = await getDb();
  const periods = periodsAt(timeZone, now);
  await ensureLedgerRows(db, userId, periods);
  return { periods, ...(await readLedger(db, userId, periods)) };
}
