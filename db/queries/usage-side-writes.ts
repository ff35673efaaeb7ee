import "server-only";
import { getTableName } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { conversations, messageRole, messages } from "@/db/schema";
import { runText } from "@/db/statement-text";

/**
 * Rows that commit together with the usage that paid for them: a chat answer (stored with its usage), a conversation's
 * generated title (with the title call's usage). Both are guarded writes that cannot fail on their own — an answer
 * whose conversation is gone is left out, a title is set only where none is — so they ride in the usage events'
 * statement (db/queries/usage-events.ts) instead of taking statements of their own.
 */
export type UsageSideWrite =
  | { kind: "message"; id: string; conversationId: string; role: "user" | "assistant"; parts: unknown[]; metadata: Record<string, unknown> | null }
  | { kind: "title"; conversationId: string; title: string };

/**
 * The side writes as common table expressions (`name as (…)`, none when there are none), their values pushed onto
 * `params` as numbered parameters. A message insert or rewrite is the same as conversations.ts insertMessage's.
 */
export function sideWriteCtes(writes: UsageSideWrite[], params: unknown[]): string[] {
  const p = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const ctes: string[] = [];
  const messagesTable = getTableName(messages);
  const answers = writes.flatMap((w) => (w.kind === "message" ? [w] : []));
  if (answers.length > 0) {
    const values = answers
      .map((m) => `(${p(m.id, "text")}, ${p(m.conversationId, "uuid")}, ${p(m.role, `"${messageRole.enumName}"`)}, ${p(JSON.stringify(m.parts), "jsonb")}, ${p(m.metadata === null ? null : JSON.stringify(m.metadata), "jsonb")})`)
      .join(", ");
    ctes.push(`side_messages as (
      insert into ${messagesTable} (id, conversation_id, role, parts, metadata)
      select v.id, v.conversation_id, v.role, v.parts, v.metadata from (values ${values}) as v (id, conversation_id, role, parts, metadata)
      where exists (select 1 from ${getTableName(conversations)} c where c.id = v.conversation_id)
      on conflict (id) do update set parts = excluded.parts, metadata = excluded.metadata where ${messagesTable}.conversation_id = excluded.conversation_id
      returning 1)`);
  }
  const titles = writes.flatMap((w) => (w.kind === "title" ? [w] : []));
  if (titles.length > 0) {
    const values = titles.map((t) => `(${p(t.conversationId, "uuid")}, ${p(t.title, "text")})`).join(", ");
    ctes.push(`side_titles as (
      update ${getTableName(conversations)} c set title = v.title from (values ${values}) as v (id, title)
      where c.id = v.id and c.title is null
      returning 1)`);
  }
  return ctes;
}

/** The side writes alone (usage with no records to store): one statement; how many messages it stored. */
export async function runSideWrites(writes: UsageSideWrite[], executor: DbExecutor): Promise<number> {
  const params: unknown[] = [];
  const ctes = sideWriteCtes(writes, params);
  if (ctes.length === 0) return 0;
  const stored = writes.some((w) => w.kind === "message") ? "(select count(*) from side_messages)" : "0";
  const [row] = await runText(executor, `with ${ctes.join(",\n")} select ${stored} as stored`, params);
  return Number(row?.stored ?? 0);
}
