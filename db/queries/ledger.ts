import "server-only";
import { and, count, eq, getTableColumns, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { apiTokens, budgetLedger, budgetReservations, scopeHolds, scopeLedger, teamMembers, usageEvents, type BudgetLedgerRow } from "@/db/schema";

/**
 * The budget ledger's SQL: one row per user and period (calendar month and day in the user's time zone) with what was
 * spent and what running requests hold; reservations hold a request's most possible cost until it settles. The policy
 * (what may be reserved, the refusal) lives in lib/budgets/ledger.ts.
 *
 * Beside the user's rows, shared rows (scope_ledger) count a team's, the whole organisation's and an API token's spend
 * per calendar month in UTC; a reservation's holds on them are rows of scope_holds, deleted when given back (so given
 * back once).
 *
 * Lock order, everywhere: the user's month row, their day row, then shared rows — a team's, then a token's (by key),
 * before the organisation's (a multi-row INSERT … ON CONFLICT DO UPDATE takes its rows in VALUES / ORDER BY order;
 * shared rows are always written after the user's: by a statement of their own, or by a part of addSpend's one statement
 * that waits for the user's rows to be written). So two transactions never wait on each other in opposite
 * orders, and a hundred users reserving against one organisation cap queue on its row instead of deadlocking.
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
      returning id, month_start, day_start, amount_nano, tokens
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
    ), shared as (
      delete from ${scopeHolds} h using expired where h.reservation_id = expired.id
      returning h.scope, h.period_start, h.amount_nano
    )
    select (select count(*) from expired) as closed,
           (select coalesce(json_agg(json_build_object('scope', scope, 'start', period_start, 'amount', amount_nano)), '[]'::json) from shared) as shared`)) as unknown as {
    rows: { closed: string | number; shared: unknown }[];
  };
  const row = result.rows[0];
  await releaseScopeHolds(parseHolds(row?.shared), now, executor);
  return Number(row?.closed ?? 0);
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

/**
 * Closes a reservation (settled or abandoned) and gives its hold back to the ledger. Idempotent; one statement, and a
 * second for the shared rows when it held some.
 */
export async function closeReservation({ id, now }: { id: string; now: Date }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  const result = (await db.execute(sql`
    with closed as (
      update ${budgetReservations} set closed_at = ${now.toISOString()}::timestamptz
      where id = ${id} and closed_at is null
      returning id, user_id, month_start, day_start, amount_nano, tokens
    ), released as (
      update ${budgetLedger} l set
        reserved_nano = greatest(0, l.reserved_nano - closed.amount_nano),
        tokens_reserved = greatest(0, l.tokens_reserved - closed.tokens),
        updated_at = ${now.toISOString()}::timestamptz
      from closed
      where l.user_id = closed.user_id and (
        (l.period_kind = 'month' and l.period_start = closed.month_start) or (l.period_kind = 'day' and l.period_start = closed.day_start))
      returning 1
    ), shared as (
      delete from ${scopeHolds} h using closed where h.reservation_id = closed.id
      returning h.scope, h.period_start, h.amount_nano
    )
    select coalesce(json_agg(json_build_object('scope', scope, 'start', period_start, 'amount', amount_nano)), '[]'::json) as shared from shared`)) as unknown as {
    rows: { shared: unknown }[];
  };
  await releaseScopeHolds(parseHolds(result.rows[0]?.shared), now, db);
}

/**
 * Locks the rows a reservation holds on — the user's month and day rows, then its shared rows in the shared order —
 * before a transaction of its own changes or closes it, so that it takes them in the order every other transaction
 * does (a settle locks the ledger rows before it touches a lease's reservation). Two statements.
 */
export async function lockReservationRows({ id }: { id: string }, executor: DbExecutor): Promise<void> {
  await executor.execute(sql`
    select 1 from ${budgetLedger} l join ${budgetReservations} r on l.user_id = r.user_id
      and ((l.period_kind = 'month' and l.period_start = r.month_start) or (l.period_kind = 'day' and l.period_start = r.day_start))
    where r.id = ${id}
    order by l.period_kind = 'day'
    for update of l`);
  await executor.execute(sql`
    select 1 from ${scopeLedger} s join ${scopeHolds} h on h.scope = s.scope and h.period_start = s.period_start
    where h.reservation_id = ${id}
    order by s.scope = 'org', s.scope
    for update of s`);
}

/**
 * Closes a reservation in a transaction of its own, its rows locked first (see lockReservationRows): a request
 * that never reached the provider, a budget lease given back.
 */
export async function closeReservationAlone({ id, now }: { id: string; now: Date }): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await lockReservationRows({ id }, tx);
    await closeReservation({ id, now }, tx);
  });
}

/**
 * Changes what an open reservation holds by `deltaNano` / `deltaTokens` (a budget lease growing, or shrinking by what a
 * settled call had taken from it), on the reservation, the user's two ledger rows and its shared holds and rows. The
 * caller holds the rows' locks (a reservation's transaction, or the recorder's after `addSpend`). One statement.
 */
export async function adjustReservation({ id, deltaNano, deltaTokens, now }: { id: string; deltaNano: number; deltaTokens: number; now: Date }, executor: DbExecutor): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  await executor.execute(sql`
    with r as (
      update ${budgetReservations} set amount_nano = greatest(0, amount_nano + ${deltaNano}::bigint), tokens = greatest(0, tokens + ${deltaTokens}::bigint)
      where id = ${id} and closed_at is null
      returning user_id, month_start, day_start
    ), l as (
      update ${budgetLedger} l set
        reserved_nano = greatest(0, l.reserved_nano + ${deltaNano}::bigint),
        tokens_reserved = greatest(0, l.tokens_reserved + ${deltaTokens}::bigint),
        updated_at = ${at}
      from r where l.user_id = r.user_id and (
        (l.period_kind = 'month' and l.period_start = r.month_start) or (l.period_kind = 'day' and l.period_start = r.day_start))
      returning 1
    ), h as (
      update ${scopeHolds} set amount_nano = greatest(0, amount_nano + ${deltaNano}::bigint)
      where reservation_id = ${id} and exists (select 1 from r)
      returning scope, period_start
    )
    update ${scopeLedger} s set reserved_nano = greatest(0, s.reserved_nano + ${deltaNano}::bigint), updated_at = ${at}
    from h where s.scope = h.scope and s.period_start = h.period_start`);
}

interface ReleasedHold {
  scope: string;
  start: string;
  amount: number;
}

function parseHolds(value: unknown): ReleasedHold[] {
  const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) return [];
  return list.map((h: { scope: string; start: string; amount: string | number }) => ({ scope: h.scope, start: h.start, amount: Number(h.amount) }));
}

/** Gives held amounts back to shared rows, locking them in the shared order (teams, then the organisation). */
async function releaseScopeHolds(holds: ReleasedHold[], now: Date, executor: DbExecutor): Promise<void> {
  if (holds.length === 0) return;
  const values = sql.join(
    holds.map((h) => sql`(${h.scope}, ${new Date(h.start).toISOString()}::timestamptz, ${h.amount}::bigint)`),
    sql`, `,
  );
  await executor.execute(sql`
    with held(scope, start, amount) as (values ${values}),
    sums as (select scope, start, sum(amount) as amount from held group by scope, start),
    locked as (
      select l.scope, l.period_start from ${scopeLedger} l join sums on l.scope = sums.scope and l.period_start = sums.start
      order by l.scope = 'org', l.scope for update of l
    )
    update ${scopeLedger} l set reserved_nano = greatest(0, l.reserved_nano - sums.amount), updated_at = ${now.toISOString()}::timestamptz
    from sums, locked where l.scope = sums.scope and l.period_start = sums.start and locked.scope = l.scope and locked.period_start = l.period_start`);
}

/**
 * Adds a recorded call's cost and tokens to the ledger rows of the periods it happened in (the user's month and day,
 * and the shared rows' `scopePeriod`: lib/budgets/limits.ts scopePeriodAt), creating them where missing, and returns the user's two rows as they now are. Call it after the call's event is stored: a new row is
 * seeded from the stored events (this one included), an existing row gets the amounts added. One statement: the user's
 * rows (month locked before day), then the shared rows.
 */
export async function addSpend(
  {
    userId,
    periods,
    scopePeriod,
    costNano,
    tokens,
    now,
    apiTokenId = null,
  }: { userId: string; periods: LedgerPeriods; scopePeriod: { start: Date; end: Date }; costNano: number; tokens: number; now: Date; apiTokenId?: string | null },
  executor: DbExecutor,
): Promise<{ month: PeriodUsage; day: PeriodUsage }> {
  const ledger = executor
    .insert(budgetLedger)
    .values(ledgerValues(userId, periods, now))
    .onConflictDoUpdate({
      target: [budgetLedger.userId, budgetLedger.periodKind, budgetLedger.periodStart],
      set: {
        spentNano: sql`${budgetLedger.spentNano} + ${costNano}`,
        tokensUsed: sql`${budgetLedger.tokensUsed} + ${tokens}`,
        updatedAt: now,
      },
    })
    .returning({ periodKind: budgetLedger.periodKind, spentNano: budgetLedger.spentNano, tokensUsed: budgetLedger.tokensUsed, reservedNano: budgetLedger.reservedNano });
  // The user's team's row, the API token's (for calls made with one) and the organisation's. A token's row is kept
  // only while it has a budget of its own (a missing row is seeded from its calls).
  const token = apiTokenId
    ? sql`union all select 'token:' || t.id::text, 0, null::uuid, t.id from ${apiTokens} t where t.id = ${apiTokenId}::uuid and t.monthly_budget_nano is not null`
    : sql``;
  const shared = sql`(select 'team:' || m.team_id::text as scope, 0 as ord, m.team_id, null::uuid as token_id from ${teamMembers} m where m.user_id = ${userId}
    ${token} union all select 'org', 1, null::uuid, null::uuid) s`;
  // One statement. The shared rows are taken after the user's (the lock order): their insert reads the count of the
  // user's rows first (an InitPlan), which runs the user's upsert to completion before any shared row is touched.
  const result = (await executor.execute(sql`
    with ledger as (${ledger.getSQL()}),
    shared as (${scopeUpsert(shared, scopePeriod, now, sql`${scopeLedger.spentNano} + ${costNano}`, sql`(select count(*) from ledger) > 0`)})
    select period_kind, spent_nano, tokens_used, reserved_nano from ledger`)) as unknown as {
    rows: { period_kind: string; spent_nano: string | number; tokens_used: string | number; reserved_nano: string | number }[];
  };
  const usage = (kind: "month" | "day"): PeriodUsage => {
    const row = result.rows.find((r) => r.period_kind === kind)!;
    return { spentNano: Number(row.spent_nano), tokensUsed: Number(row.tokens_used), reservedNano: Number(row.reserved_nano) };
  };
  return { month: usage("month"), day: usage("day") };
}

/**
 * Creates shared rows where missing (seeded from the stored events of everyone in the scope this period: a team's
 * current members, or everyone), in the shared lock order, and sets `spent` on existing ones (a no-op update that only
 * locks when `spent` is the column itself). `scopes` is a FROM item aliased `s` with columns (scope, ord, team_id,
 * token_id); a token's row is seeded from the calls made with that token.
 */
async function upsertScopeRows(scopes: SQL, period: { start: Date; end: Date }, now: Date, executor: DbExecutor, spent: SQL) {
  return (await executor.execute(scopeUpsert(scopes, period, now, spent))) as unknown as {
    rows: { scope: string; spent_nano: string | number; reserved_nano: string | number; expired_holds: boolean }[];
  };
}

/** upsertScopeRows's statement; `when` (an uncorrelated condition) is checked before the first row is written. */
function scopeUpsert(scopes: SQL, period: { start: Date; end: Date }, now: Date, spent: SQL, when: SQL = sql`true`): SQL {
  const start = sql`${period.start.toISOString()}::timestamptz`;
  const end = sql`${period.end.toISOString()}::timestamptz`;
  return sql`
    insert into ${scopeLedger} (scope, period_start, period_end, spent_nano, reserved_nano, updated_at)
    select s.scope, ${start}, ${end},
      (select coalesce(sum(e.cost_nano), 0) from ${usageEvents} e
        where e.created_at >= ${start} and e.created_at < ${end}
          and (s.team_id is null or e.user_id in (select tm.user_id from ${teamMembers} tm where tm.team_id = s.team_id))
          and (s.token_id is null or e.api_token_id = s.token_id)
          and not exists (select 1 from ${scopeLedger} x where x.scope = s.scope and x.period_start = ${start})),
      0, ${now.toISOString()}::timestamptz
    from ${scopes} where ${when} order by s.ord, s.scope
    on conflict (scope, period_start) do update set spent_nano = ${spent}, updated_at = ${now.toISOString()}::timestamptz
    returning scope, spent_nano, reserved_nano,
      exists (select 1 from ${scopeHolds} h where h.scope = ${scopeLedger.scope} and h.expires_at < ${now.toISOString()}::timestamptz) as expired_holds`;
}

/** One shared ledger row as locked for a reservation. */
export interface ScopeRow {
  scope: string;
  spentNano: number;
  reservedNano: number;
}

/**
 * Creates these shared rows of the period where missing and locks them (teams before the organisation), returning
 * them and whether any holds a reservation whose time ran out. Call after the user's rows are locked. One statement.
 */
export async function lockScopeRows(
  { scopes, period, now }: { scopes: string[]; period: { start: Date; end: Date }; now: Date },
  executor: DbExecutor,
): Promise<{ rows: Map<string, ScopeRow>; expiredHolds: boolean }> {
  const list = sql.join(
    scopes.map((scope) => {
      const teamId = scope.startsWith("team:") ? scope.slice(5) : null;
      const tokenId = scope.startsWith("token:") ? scope.slice(6) : null;
      return sql`(${scope}, ${scope === "org" ? 1 : 0}, ${teamId}::uuid, ${tokenId}::uuid)`;
    }),
    sql`, `,
  );
  const result = await upsertScopeRows(sql`(values ${list}) as s(scope, ord, team_id, token_id)`, period, now, executor, sql`${scopeLedger.spentNano}`);
  const rows = new Map<string, ScopeRow>();
  let expiredHolds = false;
  for (const r of result.rows) {
    rows.set(r.scope, { scope: r.scope, spentNano: Number(r.spent_nano), reservedNano: Number(r.reserved_nano) });
    if (r.expired_holds) expiredHolds = true;
  }
  return { rows, expiredHolds };
}

/**
 * Gives back the holds on these shared rows whose reservations' time ran out (their requests died), skipping any a
 * settling request holds right now. The reservations themselves are closed by their user's next reservation.
 */
export async function releaseExpiredScopeHolds({ scopes, now }: { scopes: string[]; now: Date }, executor: DbExecutor): Promise<void> {
  const list = sql.join(scopes.map((scope) => sql`${scope}`), sql`, `);
  const result = (await executor.execute(sql`
    with gone as (
      delete from ${scopeHolds} h where (h.reservation_id, h.scope) in (
        select reservation_id, scope from ${scopeHolds}
        where scope in (${list}) and expires_at < ${now.toISOString()}::timestamptz
        for update skip locked)
      returning h.scope, h.period_start, h.amount_nano
    )
    select coalesce(json_agg(json_build_object('scope', scope, 'start', period_start, 'amount', amount_nano)), '[]'::json) as shared from gone`)) as unknown as {
    rows: { shared: unknown }[];
  };
  await releaseScopeHolds(parseHolds(result.rows[0]?.shared), now, executor);
}

/** Adds a reservation's hold to the shared rows (which the caller has locked). One statement. */
export async function holdOnScopes(
  r: { reservationId: string; scopes: string[]; period: { start: Date; end: Date }; amountNano: number; expiresAt: Date; now: Date },
  executor: DbExecutor,
): Promise<void> {
  if (r.scopes.length === 0) return;
  const start = sql`${r.period.start.toISOString()}::timestamptz`;
  const values = sql.join(
    r.scopes.map((scope) => sql`(${r.reservationId}::uuid, ${scope}, ${start}, ${r.amountNano}::bigint, ${r.expiresAt.toISOString()}::timestamptz)`),
    sql`, `,
  );
  await executor.execute(sql`
    with held as (
      insert into ${scopeHolds} (reservation_id, scope, period_start, amount_nano, expires_at) values ${values}
      returning scope
    )
    update ${scopeLedger} l set reserved_nano = l.reserved_nano + ${r.amountNano}, updated_at = ${r.now.toISOString()}::timestamptz
    from held where l.scope = held.scope and l.period_start = ${start}`);
}

/** What a shared row holds this period (spent and reserved); reads only, zero where it does not exist yet. */
export async function readScopeLedger({ scopes, period }: { scopes: string[]; period: { start: Date } }, executor?: DbExecutor): Promise<Map<string, { spentNano: number; reservedNano: number }>> {
  const db = executor ?? (await getDb());
  const out = new Map<string, { spentNano: number; reservedNano: number }>();
  if (scopes.length === 0) return out;
  const rows = await db
    .select({ scope: scopeLedger.scope, spentNano: scopeLedger.spentNano, reservedNano: scopeLedger.reservedNano })
    .from(scopeLedger)
    .where(and(inArray(scopeLedger.scope, scopes), eq(scopeLedger.periodStart, period.start)));
  for (const r of rows) out.set(r.scope, { spentNano: r.spentNano, reservedNano: r.reservedNano });
  return out;
}

/** How many requests hold something on a shared row this period. */
export async function countScopeHolds({ scope, start }: { scope: string; start: Date }, executor?: DbExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const [row] = await db.select({ n: count() }).from(scopeHolds).where(and(eq(scopeHolds.scope, scope), eq(scopeHolds.periodStart, start)));
  return Number(row?.n ?? 0);
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
