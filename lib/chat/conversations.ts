import "server-only";
import { z } from "zod";
import { conversationCostRows } from "@/db/queries/conversation-costs";
import { getOwnConversation, listConversations, listMessages } from "@/db/queries/conversations";
import type { Conversation } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { cursorAt, cursorDate, cursorParam } from "@/lib/validation/cursor";
import { parseId } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";
import type { ChatMessageMetadata, ConversationDetail, ConversationPage, ConversationSummary } from "./contract";
import { conversationTotal } from "./conversation-total";

export const conversationPageQuery = z.object({
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be a whole number").min(1, "limit must be at least 1").max(100, "limit must be at most 100").default(30),
  cursor: cursorParam.optional(),
  /** Keep only titles containing this text (any case); blank means no filter. */
  q: text("q must be text").trim().max(120, "Search for at most 120 characters.").optional(),
});

export const renameSchema = z.object({
  title: text("Give the conversation a title.").trim().min(1, "Give the conversation a title.").max(120, "Titles are at most 120 characters."),
});

export function toSummary(c: Conversation): ConversationSummary {
  return {
    id: c.id,
    title: c.title,
    model: c.model,
    assistantId: c.assistantId,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export async function conversationPage(userId: string, query: z.output<typeof conversationPageQuery>): Promise<ConversationPage> {
  const cursor = query.cursor ? { updatedAt: cursorDate(query.cursor), id: query.cursor.id } : undefined;
  const rows = await listConversations({ userId, limit: query.limit, cursor, search: query.q || undefined });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items: items.map(toSummary),
    nextCursor: rows.length > query.limit && last ? cursorAt(last.updatedAt, last.id) : null,
  };
}

/** The user's own conversation, else 404 (someone else's id is "not found" too, so ids do not leak). */
export async function requireOwnConversation(userId: string, id: unknown): Promise<Conversation> {
  const parsed = parseId(id);
  const conversation = parsed ? await getOwnConversation({ id: parsed, userId }) : undefined;
  if (!conversation) throw new AppError("conversation_not_found");
  return conversation;
}

export async function conversationDetail(userId: string, id: unknown): Promise<ConversationDetail> {
  const conversation = await requireOwnConversation(userId, id);
  const [rows, costParts] = await Promise.all([listMessages({ conversationId: conversation.id }), conversationCostRows({ conversationId: conversation.id })]);
  const messages = rows.map((m) => ({
    id: m.id,
    role: m.role,
    parts: m.parts,
    ...(m.metadata ? { metadata: m.metadata as ChatMessageMetadata } : {}),
  }));
  const totals = conversationTotal(costParts, messages);
  return {
    conversation: {
      ...toSummary(conversation),
      totalCostNano: totals.costNano,
      totalTokens: totals.tokens,
      hasUnpriced: totals.hasUnpriced,
      replacedCostNano: totals.replacedCostNano,
      costParts,
    },
    messages,
  };
}
