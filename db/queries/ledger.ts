import "server-only";
import { and, count, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { budgetLedger, budgetReservations, usageEvents, type BudgetLedgerRow } from "@/db/schema";

/**
 * The budget ledger's SQL: one row per user and period (calendar month and day in the user's time zone) with what was
 * spent and what running requests hold; reservations hold a request's most possible cost until it settles. The policy
 * (what may be reserved, the refusal) lives in lib/budgets/ledger.ts.
 *
 * Lock order: a statement that locks both of a user's current rows locks the month row before the day row (a
 * multi-row INSERT … ON CONFLICT DO UPDATE takes its rows in VALUES order), so two transactions never wait on each
 * other in opposite orders.
 */

export interface LedgerPeriods {
  month: { start: Date; end: Date };
  day: { start: Date; end: Date };
}

export interface LedgerRows {
  month: BudgetLedgerRow;
  day: BudgetLedgerRow;
  /** Whether the user holds reservations whose time ran out (their requests died): release them before deciding. */
  expiredHolds?: boolean;
}

/** A new row starts from the usage already recorded in its period (an index range scan, once per user and period). */
function seeded(userId: string, kind: "month" | "day", period: { start: Date; end: Date }, what: "cost" | "tokens") {
  const sum =
    what === "cost"
      ? sql`coalesce(sum(${usageEvents.costNano}), 0)`
      : sql`coalesce(sum(${usageEvents.inputNoCacheTokens} + ${usageEvents.cacheReadTokens} + ${usageEvents.cacheWriteTokens} + ${usageEvents.outputTokens}), 0)`;
  // The NOT EXISTS makes this a one-time cost: once the row exists the events are not scanned again.
  return sql`(select ${sum} from ${usageEvents}
    where ${usageEvents.userId} = ${userId}
      and ${usageEvents.createdAt} >= ${period.start.toISOString()}::timestamptz and ${usageEvents.createdAt} < ${period.end.toISOString()}::timestamptz
      and not exists (select 1 from ${budgetLedger} where ${budgetLedger.userId} = ${userId} and ${budgetLedger.periodKind} = ${kind}
                      and ${budgetLedger.periodStart} = ${period.start.toISOString()}::timestamptz))`;
}

function ledgerValues(userId: string, periods: LedgerPeriods, now: Date) {
  return (["month", "day"] as const).map((kind) => ({
    userId,
    periodKind: kind,
    periodStart: periods[kind].start,
    periodEnd: periods[kind].end,
    spentNano: seeded(userId, kind, periods[kind], "cost"),
    tokensUsed: seeded(userId, kind, periods[kind], "tokens"),
    updatedAt: now,
  }));
}

/**
 * Creates the user's rows of these periods where missing, locks both (month first) and returns them, with whether any
 * of the user's reservations has expired unreleased. One statement.
 */
export async function lockLedgerRows({ userId, periods, now }: { userId: string; periods: LedgerPeriods; now: Date }, executor: DbExecutor): Promise<LedgerRows> {
  const rows = await executor
    .insert(budgetLedger)
    .values(ledgerValues(userId, periods, now))
    // A no-op update: it takes the row lock and returns the row as it is.
    .onConflictDoUpdate({ target: [budgetLedger.userId, budgetLedger.periodKind, budgetLedger.periodStart], set: { periodEnd: sql`${budgetLedger.periodEnd}` } })
    .returning({
      ...getTableColumns(budgetLedger),
      expiredHolds: sql<boolean>`exists (select 1 from ${budgetReservations} where ${budgetReservations.userId} = ${userId}
        and ${budgetReservations.closedAt} is null and ${budgetReservations.expiresAt} < ${now.toISOString()}::timestamptz)`,
    });
  const split = (kind: "month" | "day") => {
    const { expiredHolds, ...row } = rows.find((r) => r.periodKind === kind)!;
    return { row, expiredHolds: Boolean(expiredHolds) };
  };
  const month = split("month");
  return { month: month.row, day: split("day").row, expiredHolds: month.expiredHolds };
}

/**
 * Closes the user's reservations whose requests died without settling (their time ran out) and gives their holds back
 * to the ledger rows they were taken from. One statement; returns how many it closed.
 */
export async function releaseExpiredReservations({ userId, now }: { userId: string; now: Date }, executor: DbExecutor): Promise<number> {
  const result = (await executor.execute(sql`
    with expired as (
      update ${budgetReservations} set closed_at = ${now.toISOString()}::timestamptz
      where user_id = ${userId} and closed_at is null and expires_at < ${now.toISOString()}::timestamptz
      returning month_start, day_start, amount_nano, tokens
    ), holds as (
      select kind, start, sum(amount_nano) as amount, sum(tokens) as tokens from (
        select 'month'::period_kind as kind, month_start as start, amount_nano, tokens from expired
        union all select 'day'::period_kind, day_start, amount_nano, tokens from expired
      ) h group by kind, start
    ), released as (
      update ${budgetLedger} l set
        reserved_nano = greatest(0, l.reserved_nano - holds.amount),
        tokens_reserved = greatest(0, l.tokens_reserved - holds.tokens),
        updated_at = ${now.toISOString()}::timestamptz
      from holds where l.user_id = ${userId} and l.period_kind = holds.kind and l.period_start = holds.start
      returning 1
    )
    select (select count(*) from expired) as closed`)) as unknown as { rows: { closed: string | number }[] };
  return Number(result.rows[0]?.closed ?? 0);
}

/** Stores a reservation and adds its hold to both ledger rows (which the caller has locked). One statement. */
export async function holdReservation(
  r: { id: string; userId: string; periods: LedgerPeriods; amountNano: number; tokens: number; expiresAt: Date; now: Date },
  executor: DbExecutor,
): Promise<void> {
  await executor.execute(sql`
    with reservation as (
      insert into ${budgetReservations} (id, user_id, month_start, day_start, amount_nano, tokens, expires_at, created_at)
      values (${r.id}, ${r.userId}, ${r.periods.month.start.toISOString()}::timestamptz, ${r.periods.day.start.toISOString()}::timestamptz,
              ${r.amountNano}, ${r.tokens}, ${r.expiresAt.toISOString()}::timestamptz, ${r.now.toISOString()}::timestamptz)
      returning id
    )
    update ${budgetLedger} set
      reserved_nano = reserved_nano + ${r.amountNano},
      tokens_reserved = tokens_reserved + ${r.tokens},
      updated_at = ${r.now.toISOString()}::timestamptz
    where user_id = ${r.userId} and (
      (period_kind = 'month' and period_start = ${r.periods.month.start.toISOString()}::timestamptz) or
      (period_kind = 'day' and period_start = ${r.periods.day.start.toISOString()}::timestamptz))
      and exists (select 1 from reservation)`);
}

/** Closes a reservation (settled or abandoned) and gives its hold back to the ledger. Idempotent; one statement. */
export async function closeReservation({ id, now }: { id: string; now: Date }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.execute(sql`
    with closed as (
      update ${budgetReservations} set closed_at = ${now.toISOString()}::timestamptz
      where id = ${id} and closed_at is null
      returning user_id, month_start, day_start, amount_nano, tokens
    )
    update ${budgetLedger} l set
      reserved_nano = greatest(0, l.reserved_nano - closed.amount_nano),
      tokens_reserved = greatest(0, l.tokens_reserved - closed.tokens),
      updated_at = ${now.toISOString()}::timestamptz
    from closed
    where l.user_id = closed.user_id and (
      (l.period_kind = 'month' and l.period_start = closed.month_start) or (l.period_kind = 'day' and l.period_start = closed.day_start))`);
}

/**
 * Adds a recorded call's cost and tokens to the ledger rows of the periods it happened in, creating them where
 * missing. Call it after the call's event is stored: a new row is seeded from the stored events (this one included),
 * an existing row gets the amounts added. One statement; locks month before day.
 */
export async function addSpend(
  { userId, periods, costNano, tokens, now }: { userId: string; periods: LedgerPeriods; costNano: number; tokens: number; now: Date },
  executor: DbExecutor,
): Promise<void> {
  await executor
    .insert(budgetLedger)
    .values(ledgerValues(userId, periods, now))
    .onConflictDoUpdate({
      target: [budgetLedger.userId, budgetLedger.periodKind, budgetLedger.periodStart],
      set: {
        spentNano: sql`${budgetLedger.spentNano} + ${costNano}`,
        tokensUsed: sql`${budgetLedger.tokensUsed} + ${tokens}`,
        updatedAt: now,
      },
    });
}

export interface PeriodUsage {
  spentNano: number;
  tokensUsed: number;
  reservedNano: number;
}

/**
 * What the ledger holds for these periods. Reads only: where a row does not exist yet, what its period's stored events
 * add up to (what the row will start from).
 */
export async function readLedger({ userId, periods }: { userId: string; periods: LedgerPeriods }, executor?: DbExecutor): Promise<{ month: PeriodUsage; day: PeriodUsage }> {
  const db = executor ?? (await getDb());
  const read = async (kind: "month" | "day"): Promise<PeriodUsage> => {
    const period = periods[kind];
    const result = (await db.execute(sql`
      select l.spent_nano, l.tokens_used, l.reserved_nano, e.cost, e.tokens
      from (select 1) one
      left join ${budgetLedger} l on l.user_id = ${userId} and l.period_kind = ${kind} and l.period_start = ${period.start.toISOString()}::timestamptz
      left join lateral (
        select coalesce(sum(cost_nano), 0) as cost,
               coalesce(sum(input_no_cache_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0) as tokens
        from ${usageEvents}
        where l.user_id is null and user_id = ${userId}
          and created_at >= ${period.start.toISOString()}::timestamptz and created_at < ${period.end.toISOString()}::timestamptz
      ) e on true`)) as unknown as { rows: Record<string, string | number | null>[] };
    const row = result.rows[0] ?? {};
    if (row.spent_nano === null || row.spent_nano === undefined) {
      return { spentNano: Number(row.cost ?? 0), tokensUsed: Number(row.tokens ?? 0), reservedNano: 0 };
    }
    return { spentNano: Number(row.spent_nano), tokensUsed: Number(row.tokens_used), reservedNano: Number(row.reserved_nano) };
  };
  const [month, day] = await Promise.all([read("month"), read("day")]);
  return { month, day };
}

/** How many requests hold an open reservation in this period. */
export async function countOpenReservations(
  { userId, period, start }: { userId: string; period: "month" | "day"; start: Date },
  executor?: DbExecutor,
): Promise<number> {
  const db = executor ?? (await getDb());
  const inPeriod = period === "month" ? eq(budgetReservations.monthStart, start) : eq(budgetReservations.dayStart, start);
  const [row] = await db
    .select({ n: count() })
    .from(budgetReservations)
    .where(and(eq(budgetReservations.userId, userId), isNull(budgetReservations.closedAt), inPeriod));
  return Number(row?.n ?? 0);
}
