import "server-only";
import { changingMetering } from "@/db/metering-changes";
import { eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { orgSettings, type OrgSettingsRow } from "@/db/schema";

export type OrgSettingsValues = Partial<Omit<OrgSettingsRow, "id" | "updatedBy" | "updatedAt">>;

/** The organisation settings row; created from `seed` (the environment's starting values) when there is none yet. */
export async function getOrSeedOrgSettings(seed: () => OrgSettingsValues, executor?: DbExecutor): Promise<OrgSettingsRow> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(orgSettings).where(eq(orgSettings.id, 1));
  if (row) return row;
  const [created] = await db.insert(orgSettings).values({ id: 1, ...seed() }).onConflictDoNothing().returning();
  if (created) return created;
  // Another request seeded it meanwhile: theirs stands.
  const [theirs] = await db.select().from(orgSettings).where(eq(orgSettings.id, 1));
  return theirs!;
}

/** Changes some of the organisation settings (the row is created with the rest at their defaults if missing). */
export async function saveOrgSettings({ values, updatedBy }: { values: OrgSettingsValues; updatedBy: string | null }, executor?: DbExecutor): Promise<OrgSettingsRow> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const now = new Date();
    const [row] = await db
      .insert(orgSettings)
      .values({ id: 1, ...values, updatedBy, updatedAt: now })
      .onConflictDoUpdate({ target: orgSettings.id, set: { ...values, updatedBy, updatedAt: now } })
      .returning();
    return row!;
  });
}
