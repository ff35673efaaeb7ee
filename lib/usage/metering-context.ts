import "server-only";
import { listPriceOverrides } from "@/db/queries/prices";
import { getBudgets } from "@/db/queries/settings";
import { toPriceOverrides } from "@/lib/pricing/overrides";
import type { PriceOverride } from "@/lib/pricing/price-book";
import { loadModelSources, type ModelSources } from "@/lib/providers/resolve-model";

/**
 * What every metered caller reads about a user before a model call — the model's sources (default model, keys,
 * deployment-key policy), the budgets and the price overrides — in parallel: one round trip's wait on PostgreSQL.
 */
export interface MeteringContext {
  sources: ModelSources;
  budgets: Awaited<ReturnType<typeof getBudgets>>;
  overrides: PriceOverride[];
}

export async function loadMeteringContext(userId: string): Promise<MeteringContext> {
  const [sources, budgets, overrideRows] = await Promise.all([loadModelSources(userId), getBudgets({ userId }), listPriceOverrides()]);
  return { sources, budgets, overrides: toPriceOverrides(overrideRows) };
}
