import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { priceOverrides, systemKeyPolicy, type PriceOverrideRow, type ProviderKind } from "@/db/schema";

export async function listPriceOverrides(executor?: DbExecutor): Promise<PriceOverrideRow[]> {
  const db = executor ?? (await getDb());
  return db.select().from(priceOverrides).orderBy(asc(priceOverrides.provider), asc(priceOverrides.modelId));
}

export async function upsertPriceOverride(
  values: Omit<PriceOverrideRow, "updatedAt">,
  executor?: DbExecutor,
): Promise<PriceOverrideRow> {
  const db = executor ?? (await getDb());
  const { inputNanoPerMTok, outputNanoPerMTok, cacheReadNanoPerMTok, cacheWriteNanoPerMTok, note, updatedBy } = values;
  const [row] = await db
    .insert(priceOverrides)
    .values(values)
    .onConflictDoUpdate({
      target: [priceOverrides.provider, priceOverrides.modelId],
      set: { inputNanoPerMTok, outputNanoPerMTok, cacheReadNanoPerMTok, cacheWriteNanoPerMTok, note, updatedBy, updatedAt: new Date() },
    })
    .returning();
  return row!;
}

export async function deletePriceOverride({ provider, modelId }: { provider: ProviderKind; modelId: string }, executor?: DbExecutor) {
  const db = executor ?? (await getDb());
  const [row] = await db
    .delete(priceOverrides)
    .where(and(eq(priceOverrides.provider, provider), eq(priceOverrides.modelId, modelId)))
    .returning();
  return row;
}

/** Providers whose system key users without their own key may use. */
export async function getSystemKeyPolicy(executor?: DbExecutor): Promise<Partial<Record<ProviderKind, boolean>>> {
  const db = executor ?? (await getDb());
  const rows = await db.select().from(systemKeyPolicy);
  return Object.fromEntries(rows.map((r) => [r.provider, r.allowUsers]));
}

export async function setSystemKeyPolicy({
  provider,
  allowUsers,
  updatedBy,
}: {
  provider: ProviderKind;
  allowUsers: boolean;
  updatedBy: string;
}, executor?: DbExecutor) {
  const db = executor ?? (await getDb());
  await db
    .insert(systemKeyPolicy)
    .values({ provider, allowUsers, updatedBy })
    .onConflictDoUpdate({ target: systemKeyPolicy.provider, set: { allowUsers, updatedBy, updatedAt: new Date() } });
}
