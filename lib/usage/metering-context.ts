import "server-only";
import { meteringChanges } from "@/db/metering-changes";
import { listPriceOverrides } from "@/db/queries/prices";
import { getBudgets } from "@/db/queries/settings";
import { toPriceOverrides } from "@/lib/pricing/overrides";
import type { PriceOverride } from "@/lib/pricing/price-book";
import { loadModelSources, type ModelSources } from "@/lib/providers/resolve-model";

/**
 * What every metered caller reads about a user before a model call — the model's sources (default model, keys,
 * deployment-key policy), the budgets and the price overrides — in parallel: one round trip's wait on PostgreSQL.
 *
 * Kept per user for at most `trustMs` (1 s) after its reads started, and refreshed in the background after half of
 * that, so that a user's stream of calls does not read the same rows each time. A change made in this process (a key
 * saved, a budget set, a price overridden: db/metering-changes.ts) drops every entry at once; a change made by another
 * server process applies within the second. Treat the result as read-only: callers share it.
 */
export interface MeteringContext {
  sources: ModelSources;
  budgets: Awaited<ReturnType<typeof getBudgets>>;
  overrides: PriceOverride[];
}

export const meteringContextCache = { trustMs: 1000, maxEntries: 10_000 };

interface Entry {
  startedAt: number;
  changes: number;
  value: Promise<MeteringContext>;
  refreshing: boolean;
}

const KEY = Symbol.for("spendboard.meteringContexts");
const entries: Map<string, Entry> = ((globalThis as Record<symbol, Map<string, Entry> | undefined>)[KEY] ??= new Map());

async function readMeteringContext(userId: string): Promise<MeteringContext> {
  const [sources, budgets, overrideRows] = await Promise.all([loadModelSources(userId), getBudgets({ userId }), listPriceOverrides()]);
  return { sources, budgets, overrides: toPriceOverrides(overrideRows) };
}

function load(userId: string): Entry {
  const entry: Entry = { startedAt: performance.now(), changes: meteringChanges(), value: readMeteringContext(userId), refreshing: false };
  entry.value.then(
    () => {
      if (entries.size > meteringContextCache.maxEntries) sweep();
      if ((entries.get(userId)?.startedAt ?? -1) <= entry.startedAt) entries.set(userId, entry);
    },
    () => {
      if (entries.get(userId) === entry) entries.delete(userId);
    },
  );
  return entry;
}

/** Whether an entry may still be used: no change made here since its reads started, and under `trustMs` old. */
function trusted(entry: Entry | undefined, now = performance.now()): entry is Entry {
  return entry !== undefined && entry.changes === meteringChanges() && now - entry.startedAt < meteringContextCache.trustMs;
}

function sweep(): void {
  const now = performance.now();
  for (const [userId, entry] of entries) if (now - entry.startedAt >= meteringContextCache.trustMs) entries.delete(userId);
}

export async function loadMeteringContext(userId: string): Promise<MeteringContext> {
  const entry = entries.get(userId);
  const now = performance.now();
  if (!trusted(entry, now)) {
    const fresh = load(userId);
    entries.set(userId, fresh);
    return fresh.value;
  }
  if (now - entry.startedAt >= meteringContextCache.trustMs / 2 && !entry.refreshing) {
    entry.refreshing = true;
    load(userId).value.catch(() => undefined);
  }
  return entry.value;
}

/** The user's budgets from a cached context this process may still trust, if it has one (no database read). */
export async function cachedBudgets(userId: string): Promise<MeteringContext["budgets"] | undefined> {
  const entry = entries.get(userId);
  if (!trusted(entry)) return undefined;
  return entry.value.then((context) => context.budgets, () => undefined);
}

/** Forgets every cached context (a test's database is about to be dropped). */
export function forgetMeteringContexts(): void {
  entries.clear();
}
