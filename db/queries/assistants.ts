import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { assistants, type Assistant } from "@/db/schema";

export async function listAssistants({ userId }: { userId: string }, executor?: DbExecutor): Promise<Assistant[]> {
  const db = executor ?? (await getDb());
  return db.select().from(assistants).where(eq(assistants.userId, userId)).orderBy(asc(assistants.name));
}

export async function getOwnAssistant({ id, userId }: { id: string; userId: string }, executor?: DbExecutor): Promise<Assistant | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(assistants).where(and(eq(assistants.id, id), eq(assistants.userId, userId)));
  return row;
}

export async function getOwnAssistants({ ids, userId }: { ids: string[]; userId: string }, executor?: DbExecutor): Promise<Assistant[]> {
  if (ids.length === 0) return [];
  const db = executor ?? (await getDb());
  return db.select().from(assistants).where(and(inArray(assistants.id, ids), eq(assistants.userId, userId)));
}

export async function insertAssistant(
  values: Pick<Assistant, "userId" | "name" | "systemPrompt" | "preferredModel" | "delegateIds">,
  executor?: DbExecutor,
): Promise<Assistant | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.insert(assistants).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateAssistant({
  id,
  userId,
  values,
}: {
  id: string;
  userId: string;
  values: Pick<Assistant, "name" | "systemPrompt" | "preferredModel" | "delegateIds">;
}, executor?: DbExecutor): Promise<Assistant | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .update(assistants)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(assistants.id, id), eq(assistants.userId, userId)))
    .returning();
  return row;
}

/** Deletes an assistant and takes it out of the delegates of the user's other assistants, in one transaction. */
export async function deleteAssistant({ id, userId }: { id: string; userId: string }, executor?: DbExecutor): Promise<boolean> {
  const db = executor ?? (await getDb());
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(assistants)
      .where(and(eq(assistants.id, id), eq(assistants.userId, userId)))
      .returning({ id: assistants.id });
    if (!row) return false;
    await tx
      .update(assistants)
      .set({ delegateIds: sql`array_remove(${assistants.delegateIds}, ${id}::uuid)` })
      .where(and(eq(assistants.userId, userId), sql`${id}::uuid = any(${assistants.delegateIds})`));
    return true;
  });
}
