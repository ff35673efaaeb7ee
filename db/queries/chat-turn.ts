import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { assistants, conversations, messages, type Assistant, type Conversation } from "@/db/schema";

/** A conversation by id whoever owns it (the chat turn refuses someone else's, and reusing their id). */
export async function getConversation({ id }: { id: string }, executor?: DbExecutor): Promise<Conversation | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
  return row;
}

/** One of the user's assistants and the ones it may delegate to (its own, other than itself), in one query. */
export async function getAssistantWithDelegates(
  { id, userId }: { id: string; userId: string },
  executor?: DbExecutor,
): Promise<{ assistant: Assistant; delegates: Assistant[] } | undefined> {
  const db = executor ?? (await getDb());
  const rows = await db
    .select()
    .from(assistants)
    .where(
      and(
        eq(assistants.userId, userId),
        sql`(${assistants.id} = ${id} or ${assistants.id} = any(select unnest(${assistants.delegateIds}) from ${assistants} where ${assistants.id} = ${id} and ${assistants.userId} = ${userId}))`,
      ),
    );
  const assistant = rows.find((row) => row.id === id);
  if (!assistant) return undefined;
  const delegates = assistant.delegateIds.map((delegateId) => rows.find((row) => row.id === delegateId)).filter((row): row is Assistant => Boolean(row) && row!.id !== id);
  return { assistant, delegates };
}

/**
 * Creates the user's conversation with this id, or updates it (model, assistant) if it is theirs already; undefined
 * when the id belongs to someone else. One statement, safe to repeat.
 */
export async function upsertOwnConversation(
  values: { id: string; userId: string; model: string; assistantId: string | null },
  executor?: DbExecutor,
): Promise<Conversation | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .insert(conversations)
    .values(values)
    .onConflictDoUpdate({
      target: conversations.id,
      set: { model: values.model, assistantId: values.assistantId, updatedAt: new Date() },
      setWhere: eq(conversations.userId, values.userId),
    })
    .returning();
  return row;
}

/** The conversation a message id is stored in, if any (an id reused from another conversation is refused). */
export async function conversationOfMessage({ id }: { id: string }, executor?: DbExecutor): Promise<string | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select({ conversationId: messages.conversationId }).from(messages).where(eq(messages.id, id));
  return row?.conversationId;
}
