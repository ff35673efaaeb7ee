import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { asyncCommitItem, getDb, type DbExecutor } from "@/db";
import { assistants, conversations, messages, users, type Assistant, type Conversation, type Message, type User } from "@/db/schema";
import { sessionHolds, type SessionClaimed } from "./sessions";

/**
 * What a chat turn reads of its conversation, in one statement: the conversation by id whoever owns it (the turn
 * refuses someone else's), its messages in order, which conversation the new message's id is stored in already, and —
 * given the session token's claim — the claimed user if that session holds (sessionHolds), so that the session check
 * takes no query of its own.
 */
export async function readConversationTurn(
  { id, messageId, session }: { id: string; messageId: string | null; session?: { claim: SessionClaimed; now: Date } },
  executor?: DbExecutor,
): Promise<{ conversation: Conversation | undefined; messages: Message[]; messageHome: string | undefined; sessionUser: User | undefined }> {
  const db = executor ?? (await getDb());
  const home = messageId ? sql<string | null>`(select stored.conversation_id from ${messages} as stored where stored.id = ${messageId})` : sql<null>`null`;
  const holds = session ? (sessionHolds(session.claim, session.now) ?? sql`false`) : sql`false`;
  const rows = await db
    .select({ conversation: conversations, message: messages, home, sessionUser: users })
    .from(sql`(values (1)) as turn(one)`)
    .leftJoin(users, holds)
    .leftJoin(conversations, eq(conversations.id, id))
    .leftJoin(messages, eq(messages.conversationId, conversations.id))
    .orderBy(asc(messages.seq));
  return {
    conversation: rows[0]?.conversation ?? undefined,
    messages: rows.flatMap((row) => (row.message ? [row.message] : [])),
    messageHome: rows[0]?.home ?? undefined,
    sessionUser: rows[0]?.sessionUser ?? undefined,
  };
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

/**
 * A turn's writes when nothing is deleted, in one statement (its own transaction): the user's conversation created or
 * updated as upsertOwnConversation does, and the user's message stored or rewritten as insertMessage does. `conversation`
 * is false when the id belongs to someone else (then nothing is written); `message` is false when the message id
 * belongs to another conversation. One round trip instead of five, while the answer is already streaming.
 */
export async function writeTurnAtOnce(
  values: { id: string; userId: string; model: string; assistantId: string | null; message: { id: string; parts: unknown[] } | null },
): Promise<{ conversation: boolean; message: boolean }> {
  const db = await getDb();
  const now = new Date().toISOString();
  const message = values.message
    ? sql`, msg as (
        insert into ${messages} (id, conversation_id, role, parts, metadata)
        select ${values.message.id}, ${values.id}, 'user', ${JSON.stringify(values.message.parts)}::jsonb, null where exists (select 1 from conv)
        on conflict (id) do update set parts = excluded.parts, metadata = excluded.metadata where ${messages}.conversation_id = ${values.id}
        returning id)`
    : sql``;
  // The user's message commits without waiting for the disk, as the budget hold does (db/index.ts asyncCommit): the
  // answer waits for this write.
  const asyncCommit = asyncCommitItem();
  const result = (await db.execute(sql`
    with ${asyncCommit.item}conv as (
      insert into ${conversations} (id, user_id, model, assistant_id) values (${values.id}, ${values.userId}, ${values.model}, ${values.assistantId})
      on conflict (id) do update set model = excluded.model, assistant_id = excluded.assistant_id, updated_at = ${now}::timestamptz
      where ${conversations}.user_id = ${values.userId}
      returning id)${message}
    select exists (select 1 from conv) as conversation, ${values.message ? sql`exists (select 1 from msg)` : sql`true`} as message${asyncCommit.read}`)) as unknown as {
    rows: { conversation: boolean; message: boolean }[];
  };
  const row = result.rows[0]!;
  return { conversation: Boolean(row.conversation), message: Boolean(row.message) };
}
