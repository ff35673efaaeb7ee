import "server-only";
import { changingMetering } from "@/db/metering-changes";
import { and, asc, eq } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { providerKeys, type KeyStatus, type ProviderKey, type ProviderKind } from "@/db/schema";
import { isUuid } from "@/lib/validation/id";

/** Every query takes the owner's id: a user reaches only their own keys. */

export async function listProviderKeys({ userId }: { userId: string }, executor?: DbExecutor): Promise<ProviderKey[]> {
  const db = executor ?? (await getDb());
  return db
    .select()
    .from(providerKeys)
    .where(eq(providerKeys.userId, userId))
    .orderBy(asc(providerKeys.provider), asc(providerKeys.name));
}

export async function getProviderKey({ userId, id }: { userId: string; id: string }, executor?: DbExecutor): Promise<ProviderKey | undefined> {
  if (!isUuid(id)) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db
    .select()
    .from(providerKeys)
    .where(and(eq(providerKeys.userId, userId), eq(providerKeys.id, id)))
    .limit(1);
  return row;
}

export async function getProviderKeyByName({
  userId,
  provider,
  name,
}: {
  userId: string;
  provider: ProviderKind;
  name: string;
}, executor?: DbExecutor): Promise<ProviderKey | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select()
    .from(providerKeys)
    .where(and(eq(providerKeys.userId, userId), eq(providerKeys.provider, provider), eq(providerKeys.name, name)))
    .limit(1);
  return row;
}

export interface SaveProviderKey {
  userId: string;
  provider: ProviderKind;
  name: string;
  baseUrl: string | null;
  encryptedKey: string | null;
  keyLast4: string | null;
  status: KeyStatus;
  statusMessage: string | null;
  models: string[] | null;
  lastVerifiedAt: Date | null;
}

/** Adds the key, or replaces the one the user already has for that provider (or endpoint name). */
export async function upsertProviderKey(values: SaveProviderKey, executor?: DbExecutor): Promise<ProviderKey> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    const now = new Date();
    const [row] = await db
      .insert(providerKeys)
      .values({ ...values, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [providerKeys.userId, providerKeys.provider, providerKeys.name],
        set: {
          baseUrl: values.baseUrl,
          encryptedKey: values.encryptedKey,
          keyLast4: values.keyLast4,
          status: values.status,
          statusMessage: values.statusMessage,
          models: values.models,
          lastVerifiedAt: values.lastVerifiedAt,
          createdAt: now,
          updatedAt: now,
        },
      })
      .returning();
    return row!;
  });
}

export async function deleteProviderKey({ userId, id }: { userId: string; id: string }, executor?: DbExecutor): Promise<ProviderKey | undefined> {
  return changingMetering(async () => {
    if (!isUuid(id)) return undefined;
    const db = executor ?? (await getDb());
    const [row] = await db
      .delete(providerKeys)
      .where(and(eq(providerKeys.userId, userId), eq(providerKeys.id, id)))
      .returning();
    return row;
  });
}

/** For `npm run keys:rotate`: every stored ciphertext with its owner. */
export async function listAllEncryptedKeys(executor?: DbExecutor): Promise<{ id: string; userId: string; encryptedKey: string }[]> {
  const db = executor ?? (await getDb());
  const rows = await db
    .select({ id: providerKeys.id, userId: providerKeys.userId, encryptedKey: providerKeys.encryptedKey })
    .from(providerKeys);
  return rows.filter((r): r is { id: string; userId: string; encryptedKey: string } => r.encryptedKey !== null);
}

export async function replaceEncryptedKey({ id, encryptedKey }: { id: string; encryptedKey: string }, executor?: DbExecutor): Promise<void> {
  return changingMetering(async () => {
    const db = executor ?? (await getDb());
    await db.update(providerKeys).set({ encryptedKey }).where(eq(providerKeys.id, id));
  });
}
