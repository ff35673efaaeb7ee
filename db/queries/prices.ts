import "server-only";
import { changingMetering } from "@/db/metering-changes";
import { and, asc, eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { priceOverrides, systemKeyPolicy, systemKeyTeams, teamMembers, type PriceOverrideRow, type ProviderKind } from "@/db/schema";

export async function listPriceOverrides(executor?: DbExecutor): Promise<PriceOverrideRow[]> {
  const db = executor ?? (await getDb());
  return db.select().from(priceOverrides).orderBy(asc(priceOverrides.provider), asc(priceOverrides.modelId));
}

export async function upsertPriceOverride(
  values: Omit<PriceOverrideRow, "updatedAt">,
  executor?: DbExecutor,
): Promise<PriceOverrideRow> {
  return changingMetering(async () => {
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
  });
}

export async function deletePriceOverride({ provider, modelId }: { provider: ProviderKind; modelId: string }, executor?: DbExecutor) {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const [row] = await db
      .delete(priceOverrides)
      .where(and(eq(priceOverrides.provider, provider), eq(priceOverrides.modelId, modelId)))
      .returning();
    return row;
  });
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
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    await db
      .insert(systemKeyPolicy)
      .values({ provider, allowUsers, updatedBy })
      .onConflictDoUpdate({ target: systemKeyPolicy.provider, set: { allowUsers, updatedBy, updatedAt: new Date() } });
  });
}

/**
 * Providers whose deployment key this user may use (when they have no key of their own): those an admin opened to
 * everyone, and those opened to the user's team.
 */
export async function getSystemKeyPolicyFor({ userId }: { userId: string }, executor?: DbExecutor): Promise<Partial<Record<ProviderKind, boolean>>> {
  const db = executor ?? (await getDb());
  const [everyone, team] = await Promise.all([
    db.select().from(systemKeyPolicy),
    db
      .select({ provider: systemKeyTeams.provider })
      .from(systemKeyTeams)
      .innerJoin(teamMembers, eq(teamMembers.teamId, systemKeyTeams.teamId))
      .where(eq(teamMembers.userId, userId)),
  ]);
  const policy: Partial<Record<ProviderKind, boolean>> = Object.fromEntries(everyone.map((r) => [r.provider, r.allowUsers]));
  for (const { provider } of team) policy[provider] = true;
  return policy;
}

/** Which teams may use each provider's deployment key (beside system_key_policy's everyone). */
export async function listSystemKeyTeams(executor?: DbExecutor): Promise<{ provider: ProviderKind; teamId: string }[]> {
  const db = executor ?? (await getDb());
  return db.select({ provider: systemKeyTeams.provider, teamId: systemKeyTeams.teamId }).from(systemKeyTeams);
}

/** Opens (or closes) a provider's deployment key to one team; returns whether anything changed. */
export async function setSystemKeyTeam(
  { provider, teamId, allow, updatedBy }: { provider: ProviderKind; teamId: string; allow: boolean; updatedBy: string },
  executor?: DbExecutor,
): Promise<boolean> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    if (allow) {
      const rows = await db.insert(systemKeyTeams).values({ provider, teamId, updatedBy }).onConflictDoNothing().returning();
      return rows.length > 0;
    }
    const rows = await db
      .delete(systemKeyTeams)
      .where(and(eq(systemKeyTeams.provider, provider), eq(systemKeyTeams.teamId, teamId)))
      .returning();
    return rows.length > 0;
  });
}
