import "server-only";
import { listPriceOverrides } from "@/db/queries/prices";
import type { PriceOverrideRow } from "@/db/schema";
import type { PriceOverride } from "./price-book";

/** Override rows in the price book's form. */
export function toPriceOverrides(rows: PriceOverrideRow[]): PriceOverride[] {
  return rows.map((row) => ({
    provider: row.provider,
    modelId: row.modelId,
    price: {
      input: row.inputNanoPerMTok,
      output: row.outputNanoPerMTok,
      ...(row.cacheReadNanoPerMTok === null ? {} : { cacheRead: row.cacheReadNanoPerMTok }),
      ...(row.cacheWriteNanoPerMTok === null ? {} : { cacheWrite: row.cacheWriteNanoPerMTok }),
    },
  }));
}

/** Admin overrides from the database, in the price book's form. */
export async function loadPriceOverrides(): Promise<PriceOverride[]> {
  return toPriceOverrides(await listPriceOverrides());
}
