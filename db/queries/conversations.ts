import "server-only";
import { and, asc, desc, eq, gte, ilike, lt, or, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { conversations, messages, type Conversation, type Message } from "@/db/schema";
import { runSideWrites } from "./usage-side-writes";

/** A conversation by id, only if it belongs to the user (someone else's id reads as "not found"). */
export async function getOwnConversation({ id, userId }: { id: string; userId: string }, executor?: DbExecutor): Promise<Conversation | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(conversations).where(and(eq(conversations.id, id), eq(conversations.userId, userId)));
  return row;
}

/** Whether a conversation id exists at all (to refuse reusing someone else's id for a new chat). */
export async function conversationExists({ id }: { id: string }, executor?: DbExecutor): Promise<boolean> {
  const db = executor ?? (await getDb());
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, id));
  return Boolean(row);
}

export async function createConversation(
  values: { id: string; userId: string; model: string | null; assistantId: string | null },
  executor?: DbExecutor,
): Promise<Conversation | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.insert(conversations).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateConversation({
  id,
  userId,
  values,
}: {
  id: string;
  userId: string;
  values: Partial<Pick<Conversation, "title" | "model" | "assistantId">>;
}, executor?: DbExecutor): Promise<Conversation | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .update(conversations)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning();
  return row;
}

/** Sets a generated title unless the user named the conversation meanwhile. Does not bump updatedAt. */
export async function setGeneratedTitle({ id, title }: { id: string; title: string }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.update(conversations).set({ title }).where(and(eq(conversations.id, id), sql`${conversations.title} is null`));
}

export async function deleteConversation({ id, userId }: { id: string; userId: string }, executor?: DbExecutor): Promise<boolean> {
  const db = executor ?? (await getDb());
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
      .returning({ id: conversations.id });
    return Boolean(row);
  });
}

/** Newest first; the cursor is the last item's `updatedAt|id`; `search` keeps titles containing it (any case). */
export async function listConversations(
  { userId, limit, cursor, search }: { userId: string; limit: number; cursor?: { updatedAt: Date; id: string }; search?: string },
  executor?: DbExecutor,
): Promise<Conversation[]> {
  const db = executor ?? (await getDb());
  const where = and(
    eq(conversations.userId, userId),
    cursor
      ? or(lt(conversations.updatedAt, cursor.updatedAt), and(eq(conversations.updatedAt, cursor.updatedAt), lt(conversations.id, cursor.id)))
      : undefined,
    search ? ilike(conversations.title, `%${search.replace(/[\\%_]/g, "\\$&")}%`) : undefined,
  );
  return db
    .select()
    .from(conversations)
    .where(where)
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(limit + 1);
}

export async function listMessages({ conversationId }: { conversationId: string }, executor?: DbExecutor): Promise<Message[]> {
  const db = executor ?? (await getDb());
  return db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq));
}

/** Deletes a message and every message after it (editing a message, regenerating an answer). */
export async function deleteMessagesFrom({ conversationId, seq }: { conversationId: string; seq: number }, executor?: DbExecutor): Promise<void> {
  const db = executor ?? (await getDb());
  await db.delete(messages).where(and(eq(messages.conversationId, conversationId), gte(messages.seq, seq)));
}

/**
 * Stores (or rewrites) a message of this conversation, only while the conversation exists; false when the id belongs to
 * another conversation, or the conversation is gone (deleted meanwhile: a no-op, not a failed statement, so the answer
 * stored beside its usage needs no savepoint; a delete committing between the check and the insert still fails the
 * statement, and a retried write then finds the conversation gone).
 */
export async function insertMessage(
  values: { id: string; conversationId: string; role: "user" | "assistant"; parts: unknown[]; metadata?: Record<string, unknown> | null },
  executor?: DbExecutor,
): Promise<boolean> {
  const db = executor ?? (await getDb());
  return (await runSideWrites([{ kind: "message", ...values, metadata: values.metadata ?? null }], db)) > 0;
}
