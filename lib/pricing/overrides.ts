import "server-only";
import { listPriceOverrides } from "@/db/queries/prices";
import type { PriceOverride } from "./price-book";

/** Admin overrides from the database, in the price book's form. */
export async function loadPriceOverrides(): Promise<PriceOverride[]> {
  const rows = await listPriceOverrides();
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
