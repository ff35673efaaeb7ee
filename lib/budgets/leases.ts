import "server-only";
import { randomUUID } from "node:crypto";
import type { DbExecutor } from "@/db";
import { adjustReservation, closeReservationAlone, holdOnScopes, holdReservation, lockReservationRows } from "@/db/queries/ledger";
import { inTransactionRetried } from "@/db/queries/transaction";
import { getUserById } from "@/db/queries/users";
import { logFailure } from "@/lib/log";
import { enforcedLimits, holdFor, ledgerUsageFor, lockAndPlan, reserveBudget, RESERVATION_TTL_MS, type CallEstimate, type PlanRows, type Reservation, type ReserveContext } from "./ledger";
import { isTokenLimit, scopePeriodStartMs, type BudgetLimit } from "./limits";
import { periodStartMs } from "./periods";

/**
 * Budget leases: how model calls reserve without a database round trip each. A process reserves a slice of a user's
 * remaining budget in one transaction — an ordinary reservation row, held on the same ledger rows — and hands it out
 * to that user's calls in memory. A call settles against the lease in the recorder's transaction: the lease shrinks by
 * what the call had taken as its spend is added, so the ledger's spent + held never exceeds a limit, whichever process
 * spends. The slice is at most 32 calls' worth and a sixteenth of what a limit has left; with fewer than 16 calls'
 * worth left it holds only the call at hand, so near a limit every call is decided on the locked rows as before
 * (clamped exactly, refused with the exact figures). A lease is given back after a second without calls, stops taking
 * calls after ten seconds, and is keyed by the user, the periods and the limits' values: a changed budget starts a new
 * one. `BUDGET_LEASES=off` reserves every call on its own.
 */

export const leaseTuning = { maxCalls: 32, share: 16, idleMs: 1000, maxAgeMs: 10_000 };

interface Lease {
  id: string;
  key: string;
  userId: string;
  createdAt: number;
  /** Whether its reservation row exists (created by the first grow). */
  stored: boolean;
  /** What the reservation row holds. */
  heldNano: number;
  heldTokens: number;
  /** What the calls running on it have taken. */
  usedNano: number;
  usedTokens: number;
  calls: number;
  /** Takes no more calls; given back once its calls have settled. */
  retired: boolean;
  growing: Promise<void> | null;
  idle: ReturnType<typeof setTimeout> | null;
}

interface Pool {
  byKey: Map<string, Lease>;
  byId: Map<string, Lease>;
}

// One pool per process, whichever bundle of the server loads this module.
const POOL = Symbol.for("spendboard.budgetLeases");
const pool: Pool = ((globalThis as Record<symbol, Pool | undefined>)[POOL] ??= { byKey: new Map(), byId: new Map() });

const leasesOn = () => process.env.BUDGET_LEASES !== "off";

/** The lease's key: the user, the periods `now` falls in (as periodsAt and scopePeriodAt give them) and the limits. */
function keyOf(userId: string, limits: BudgetLimit[], timeZone: string, now: Date): string {
  let key = `${userId}|${periodStartMs("month", timeZone, now)}|${periodStartMs("day", timeZone, now)}|${scopePeriodStartMs(now)}`;
  const limitKeys = limits.map((l) => `${l.scopeKey ?? "user"}/${l.kind}/${l.limit}`);
  if (limitKeys.length > 1) limitKeys.sort();
  for (const limitKey of limitKeys) key += `|${limitKey}`;
  return key;
}

function currentLease(key: string, userId: string): Lease {
  const found = pool.byKey.get(key);
  if (found && !found.retired && performance.now() - found.createdAt < leaseTuning.maxAgeMs) return found;
  // Too old: it takes no more calls and gives back what they have not taken (its calls settle against it still).
  if (found) void shrinkToUse(found);
  const lease: Lease = {
    id: randomUUID(),
    key,
    userId,
    createdAt: performance.now(),
    stored: false,
    heldNano: 0,
    heldTokens: 0,
    usedNano: 0,
    usedTokens: 0,
    calls: 0,
    retired: false,
    growing: null,
    idle: null,
  };
  pool.byKey.set(key, lease);
  pool.byId.set(lease.id, lease);
  return lease;
}

/** A call's whole hold (its output cap unclamped), from the lease's free part when it has room. */
function take(lease: Lease, estimate: CallEstimate): Reservation | null {
  if (lease.retired || !lease.stored || lease.growing) return null;
  const hold = holdFor(estimate, estimate.maxOutputTokens);
  if (lease.heldNano - lease.usedNano < hold.amountNano || lease.heldTokens - lease.usedTokens < hold.tokens) return null;
  lease.usedNano += hold.amountNano;
  lease.usedTokens += hold.tokens;
  lease.calls++;
  if (lease.idle) {
    clearTimeout(lease.idle);
    lease.idle = null;
  }
  return { id: randomUUID(), leaseId: lease.id, maxOutputTokens: estimate.maxOutputTokens, ...hold };
}

/**
 * How many more calls like this one the lease may hold beyond it: none when the plan was clamped or a limit has less
 * than `share` such calls left after it, else a `share`-th of the tightest limit's remainder, at most `maxCalls`.
 */
function extraCalls(limits: BudgetLimit[], rows: PlanRows, plan: { maxOutputTokens: number; amountNano: number; tokens: number }, estimate: CallEstimate): number {
  if (plan.maxOutputTokens < estimate.maxOutputTokens) return 0;
  let calls = leaseTuning.maxCalls;
  for (const limit of limits) {
    const tokens = isTokenLimit(limit.kind);
    const perCall = tokens ? plan.tokens : plan.amountNano;
    if (perCall <= 0) continue;
    const row = ledgerUsageFor(limit, rows);
    const left = limit.limit - perCall - (tokens ? row.tokensUsed + row.tokensReserved : row.spentNano + row.reservedNano);
    calls = Math.min(calls, Math.floor(left / (leaseTuning.share * perCall)));
  }
  return Math.max(0, calls);
}

type Grown = { reservation: Reservation } | { refused: true };

/** One transaction: decides the call on the locked rows (the lease's free part counting as available) and resizes the lease. */
async function grow(lease: Lease, limits: BudgetLimit[], estimate: CallEstimate, timeZone: string, now: Date): Promise<Grown> {
  const free = { nano: lease.heldNano - lease.usedNano, tokens: lease.heldTokens - lease.usedTokens };
  const result = await inTransactionRetried(
    async (tx) => {
      const locked = await lockAndPlan(tx, lease.userId, limits, estimate, timeZone, now, lease.stored ? free : undefined);
      const { plan } = locked;
      if (!plan.ok) return null;
      const extra = extraCalls(limits, locked.rows, plan, estimate);
      const delta = { nano: plan.amountNano * (1 + extra) - free.nano, tokens: plan.tokens * (1 + extra) - free.tokens };
      if (lease.stored) {
        if (delta.nano !== 0 || delta.tokens !== 0) await adjustReservation({ id: lease.id, deltaNano: delta.nano, deltaTokens: delta.tokens, now }, tx);
      } else {
        const expiresAt = new Date(now.getTime() + RESERVATION_TTL_MS);
        const hold = { amountNano: plan.amountNano * (1 + extra), expiresAt, now };
        await holdReservation({ id: lease.id, userId: lease.userId, periods: locked.periods, tokens: plan.tokens * (1 + extra), ...hold }, tx);
        await holdOnScopes({ reservationId: lease.id, scopes: locked.scopes, period: locked.scopePeriod, ...hold }, tx);
      }
      return { plan, delta };
    },
    { attempts: 1 },
  );
  if (!result) return { refused: true };
  lease.stored = true;
  lease.heldNano += result.delta.nano;
  lease.heldTokens += result.delta.tokens;
  lease.usedNano += result.plan.amountNano;
  lease.usedTokens += result.plan.tokens;
  lease.calls++;
  return { reservation: { id: randomUUID(), leaseId: lease.id, maxOutputTokens: result.plan.maxOutputTokens, amountNano: result.plan.amountNano, tokens: result.plan.tokens } };
}

/**
 * Reserves for one model call (see reserveBudget for the rules): from the user's lease in this process when it has
 * room, else by growing it in one transaction on the locked rows. A refusal gives the lease's unused part back first,
 * so that the refusal's figures are the ledger's without it.
 */
export async function reserveCall(userId: string, estimate: CallEstimate, context: ReserveContext = {}): Promise<Reservation | null> {
  if (!leasesOn()) return reserveBudget(userId, estimate, context);
  const limits = await enforcedLimits(userId, context);
  if (limits.length === 0) return null;
  const now = context.now ?? new Date();
  const timeZone = context.timeZone ?? (await getUserById({ id: userId }))?.timeZone ?? "UTC";
  const key = keyOf(userId, limits, timeZone, now);
  // Callers arriving while the lease grows wait for it and try again, growing it themselves if it is still too small:
  // one transaction at a time per lease, as reservations of their own would queue on the ledger rows' locks.
  for (let attempt = 0; attempt < 1000; attempt++) {
    const lease = currentLease(key, userId);
    if (lease.growing) {
      await lease.growing;
      continue;
    }
    const taken = take(lease, estimate);
    if (taken) return taken;
    let outcome: Grown | Error | undefined;
    // Set before anything is awaited: one grow at a time per lease, the others wait for it.
    lease.growing = (async () => {
      // A new lease (the budgets or the periods changed): the user's older leases here give back what they hold unused.
      if (!lease.stored) await Promise.all(othersOf(lease).map(shrinkToUse));
      return grow(lease, limits, estimate, timeZone, now);
    })().then(
      (grown) => void (outcome = grown),
      (error: unknown) => void (outcome = error instanceof Error ? error : new Error(String(error))),
    );
    await lease.growing;
    lease.growing = null;
    if (outcome instanceof Error) {
      // The lease's row may or may not hold what this try asked for (a commit that was not confirmed): it takes no
      // more calls, and its row is closed once its calls have settled — a no-op if it was never stored.
      lease.stored = true;
      retire(lease);
      break;
    }
    if (outcome && "reservation" in outcome) return outcome.reservation;
    // Refused: give back what the lease holds unused, then let the ledger decide and word the refusal.
    await shrinkToUse(lease);
    break;
  }
  return reserveBudget(userId, estimate, { ...context, timeZone, now });
}

/** This process's other leases of the same user that still take calls. */
function othersOf(lease: Lease): Lease[] {
  return [...pool.byId.values()].filter((other) => other !== lease && other.userId === lease.userId && !other.retired);
}

/** Takes no more calls on the lease and gives back the part of it no call has taken. */
async function shrinkToUse(lease: Lease): Promise<void> {
  retire(lease);
  if (lease.growing) await lease.growing;
  const free = { nano: lease.heldNano - lease.usedNano, tokens: lease.heldTokens - lease.usedTokens };
  if (!lease.stored || (free.nano <= 0 && free.tokens <= 0)) return;
  const giveBack = async (tx: DbExecutor) => {
    await lockReservationRows({ id: lease.id }, tx);
    await adjustReservation({ id: lease.id, deltaNano: -free.nano, deltaTokens: -free.tokens, now: new Date() }, tx);
  };
  await inTransactionRetried(giveBack, { attempts: 1 }).then(
    () => {
      lease.heldNano -= free.nano;
      lease.heldTokens -= free.tokens;
    },
    (error: unknown) => logFailure("budget", "giving back a budget lease's unused part", error),
  );
}

/** Takes no more calls on this lease; it is given back once its calls have settled. */
function retire(lease: Lease): void {
  lease.retired = true;
  if (pool.byKey.get(lease.key) === lease) pool.byKey.delete(lease.key);
  if (lease.calls === 0) void release(lease);
}

/** Closes the lease's reservation (giving back what it holds) once no call runs on it. */
async function release(lease: Lease): Promise<void> {
  if (lease.calls > 0 || lease.growing) return;
  if (lease.idle) clearTimeout(lease.idle);
  lease.idle = null;
  lease.retired = true;
  if (pool.byKey.get(lease.key) === lease) pool.byKey.delete(lease.key);
  pool.byId.delete(lease.id);
  if (!lease.stored) return;
  lease.stored = false;
  await closeReservationAlone({ id: lease.id, now: new Date() }).catch((error: unknown) => logFailure("budget", "giving back a budget lease", error));
}

function callEnded(lease: Lease): void {
  lease.calls--;
  if (lease.calls > 0) return;
  if (lease.retired) {
    void release(lease);
    return;
  }
  lease.idle = setTimeout(() => void release(lease), leaseTuning.idleMs);
  lease.idle.unref?.();
}

/** A call taken from a lease settled: the recorder's committed transaction shrank the lease by what the call had taken. */
export function leaseCallsSettled(holds: { leaseId: string; amountNano: number; tokens: number }[]): void {
  for (const hold of holds) {
    const lease = pool.byId.get(hold.leaseId);
    if (!lease) continue;
    lease.heldNano -= hold.amountNano;
    lease.heldTokens -= hold.tokens;
    lease.usedNano -= hold.amountNano;
    lease.usedTokens -= hold.tokens;
    callEnded(lease);
  }
}

/** Gives a reservation back without recording anything (the call never reached the provider). */
export async function releaseCall(reservation: Reservation): Promise<void> {
  if (!reservation.leaseId) {
    await closeReservationAlone({ id: reservation.id, now: new Date() });
    return;
  }
  const lease = pool.byId.get(reservation.leaseId);
  if (!lease) return;
  lease.usedNano -= reservation.amountNano;
  lease.usedTokens -= reservation.tokens;
  callEnded(lease);
}

/** Gives back every lease no call runs on (shutdown, after the usage queue drained). */
export async function releaseIdleLeases(): Promise<void> {
  await Promise.all([...pool.byId.values()].map((lease) => release(lease)));
}

/** Forgets every lease without touching the database (a test's database is about to be dropped). */
export function forgetBudgetLeases(): void {
  for (const lease of pool.byId.values()) if (lease.idle) clearTimeout(lease.idle);
  pool.byKey.clear();
  pool.byId.clear();
}
