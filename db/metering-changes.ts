/**
 * Counts this process's writes that change how a user's model calls are metered: provider keys, the default model,
 * the time zone, budgets, teams and memberships, organisation settings, price overrides and the deployment-key policy.
 * A cache of what those rows say (lib/usage/metering-context.ts) drops what it read before the count moved. The count
 * moves before and after each write, so a read made while the write ran is not kept either. Writes made by another
 * process reach such a cache when its entries expire.
 */
const KEY = Symbol.for("spendboard.meteringChanges");
const counter: { n: number } = ((globalThis as Record<symbol, { n: number } | undefined>)[KEY] ??= { n: 0 });

export function meteringChanges(): number {
  return counter.n;
}

/** Runs a write that changes how calls are metered, counting it. */
export async function changingMetering<T>(write: () => Promise<T>): Promise<T> {
  counter.n++;
  try {
    return await write();
  } finally {
    counter.n++;
  }
}
