import type { UIMessage } from "ai";
import type { ChatMessageMetadata, ChatRequest, ConversationDetail } from "./contract";

/** Messages as useChat holds them: assistant ones carry the cost metadata the server streams at the end. */
export type ChatUIMessage = UIMessage<ChatMessageMetadata>;

/** What the composer adds to every request (the picked model and assistant). */
export interface ChatRequestExtras {
  model?: string;
  assistantId?: string | null;
}

/**
 * Builds the POST /api/chat body from what the AI SDK hands `prepareSendMessagesRequest`: only the new (or edited)
 * user message travels — the server holds the history.
 */
export function buildChatRequest(options: {
  id: string;
  messages: ChatUIMessage[];
  trigger: "submit-message" | "regenerate-message";
  messageId: string | undefined;
  body: Record<string, unknown> | undefined;
}): ChatRequest {
  const model = typeof options.body?.model === "string" && options.body.model ? options.body.model : undefined;
  const rawAssistant = options.body?.assistantId;
  const assistantId = typeof rawAssistant === "string" && rawAssistant ? rawAssistant : rawAssistant === null ? null : undefined;
  const base = { id: options.id, trigger: options.trigger, model, assistantId };
  if (options.trigger === "regenerate-message") return base;
  const message = options.messageId
    ? options.messages.find((m) => m.id === options.messageId)
    : options.messages.findLast((m) => m.role === "user");
  if (!message || message.role !== "user") return base; // the server answers "Type a message first."
  return { ...base, message: { id: message.id, role: "user", parts: message.parts } };
}

/** The plain text of a message (its text parts joined). */
export function messageText(message: Pick<ChatUIMessage, "parts">): string {
  return message.parts
    .filter((part): part is Extract<typeof part, { type: "text" }> => part.type === "text")
    .map((part) => part.text)
    .join("");
}

/** The stored messages of a conversation, as useChat wants them (system messages are not shown). */
export function toChatMessages(detail: ConversationDetail): ChatUIMessage[] {
  return detail.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({ id: m.id, role: m.role, parts: m.parts as ChatUIMessage["parts"], metadata: m.metadata ?? undefined }));
}

/**
 * After a stopped or failed answer the stream ends without its cost; the server records it (estimated) a moment
 * later. Copies the stored metadata onto the messages that lack a cost — by id, or for the last answer by position
 * when both lists have the same shape. Returns the same array when nothing changed.
 */
export function mergeServerMetadata(current: ChatUIMessage[], stored: ChatUIMessage[]): ChatUIMessage[] {
  const byId = new Map(stored.map((m) => [m.id, m]));
  const lastIndex = current.length - 1;
  const sameShape = stored.length === current.length && stored.at(-1)?.role === "assistant";
  let changed = false;
  const next = current.map((message, index) => {
    if (message.role !== "assistant" || message.metadata?.costNano !== undefined) return message;
    const match = byId.get(message.id) ?? (index === lastIndex && sameShape ? stored.at(-1) : undefined);
    if (!match?.metadata || match.metadata.costNano === undefined) return message;
    changed = true;
    return { ...message, metadata: { ...message.metadata, ...match.metadata } };
  });
  return changed ? next : current;
}

/** A v4 UUID for a new conversation; crypto.randomUUID only exists in secure contexts (https, localhost). */
export function newConversationId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
