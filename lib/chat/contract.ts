import { z } from "zod";
import { uuid } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";

/**
 * The wire contract between the chat UI and the chat API. Shared by both sides (no server-only imports here).
 *
 * POST /api/chat — body `ChatRequest`; answers an AI SDK UI message stream (SSE), or a JSON error
 *   `{ error: { code, message, details } }` with its status before streaming starts:
 *   400 validation_failed | api_key_required (details.provider, details.settingsUrl) | unknown_model | model_required
 *   404 not_found (unknown or someone else's conversation), 413 payload_too_large,
 *   429 budget_exceeded (details: BudgetExceededDetails), 502 upstream_* (provider failing / key rejected).
 * GET    /api/conversations?cursor=&limit=&q=  → ConversationPage (newest first; q: titles containing it)
 * GET    /api/conversations/:id             → ConversationDetail
 * PATCH  /api/conversations/:id  { title }  → ConversationSummary
 * DELETE /api/conversations/:id             → 204
 * GET    /api/models                        → { groups: ModelGroup[], locked: LockedModelGroup[], defaultModel: string | null }
 * GET    /api/assistants                    → { assistants: AssistantView[] }
 */

/** Longest user message we accept, in characters. */
export const MAX_MESSAGE_CHARS = 32_000;

const uiPartSchema = z.looseObject({ type: text().max(100) });

export const chatMessageSchema = z.object({
  id: text().min(1).max(100),
  role: z.literal("user", { error: "Only user messages can be sent." }),
  parts: z.array(uiPartSchema).min(1).max(50),
  metadata: z.unknown().optional(),
});

export const chatRequestSchema = z
  .object({
    /** The conversation id; the client makes one (uuid) for a new chat. */
    id: uuid("The conversation id must be a UUID."),
    /** The new (or edited) user message. Absent when regenerating. */
    message: chatMessageSchema.optional(),
    trigger: z.enum(["submit-message", "regenerate-message"]).default("submit-message"),
    /** A model ref ("openai:gpt-4o-mini"); remembered on the conversation. Absent → the conversation's, else default. */
    model: text().trim().min(1).max(300).optional(),
    /** Chat with an assistant (its system prompt, its preferred model unless `model` is given). */
    assistantId: uuid("assistantId must be an assistant id (a UUID).").nullish(),
  })
  .refine((body) => body.trigger === "regenerate-message" || body.message !== undefined, {
    message: "Type a message first.",
    path: ["message"],
  });
export type ChatRequest = z.input<typeof chatRequestSchema>;

/** Metadata the server puts on each assistant message (streamed at the end, and stored). */
export interface ChatMessageMetadata {
  model?: string;
  provider?: string;
  /** Totals over every model call that produced this message (tool-loop steps and delegated assistants included). */
  inputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  /** Integer nano-USD; absent while streaming. */
  costNano?: number;
  /** false when some call had no known price (its cost is not included). */
  priced?: boolean;
  /** true when some tokens were estimated (a stopped or failed answer). */
  estimated?: boolean;
  status?: "ok" | "aborted" | "error";
  createdAt?: string;
}

/** Amounts are nano-USD for cost budgets and tokens for token budgets (the other kind's fields are null). */
export interface BudgetExceededDetails {
  budget: string;
  kind: string;
  source: string;
  limitNano: number | null;
  spentNano: number | null;
  /** Held by requests still running (reserved, not yet settled). */
  heldNano: number | null;
  leftNano: number | null;
  limitTokens: number | null;
  usedTokens: number | null;
  heldTokens: number | null;
  /** Open reservations in the budget's period. */
  runningRequests: number;
  resetsAt: string;
  settingsUrl: string;
}

export interface ConversationSummary {
  id: string;
  title: string | null;
  model: string | null;
  assistantId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

/** A conversation's recorded usage summed per answer and feature (see lib/chat/conversation-total.ts). */
export interface ConversationCostPart {
  /** The answer the calls made; null for calls that made none (the title, a delegated assistant). */
  messageId: string | null;
  feature: string;
  costNano: number;
  tokens: number;
  /** Calls without a known price (their cost is not in `costNano`). */
  unpricedCalls: number;
}

export interface ConversationDetail {
  conversation: ConversationSummary & {
    /** Every usage event of the conversation, replaced answers included (the totals rule). */
    totalCostNano: number;
    totalTokens: number;
    /** Some call in it was unpriced. */
    hasUnpriced: boolean;
    /** The part of the total spent on answers no longer shown (replaced by Regenerate or an edit). */
    replacedCostNano: number;
    costParts: ConversationCostPart[];
  };
  /** UI messages in order, assistant ones with ChatMessageMetadata. */
  messages: { id: string; role: "user" | "assistant" | "system"; parts: unknown[]; metadata?: ChatMessageMetadata }[];
}

export interface AssistantView {
  id: string;
  name: string;
  systemPrompt: string;
  preferredModel: string | null;
  delegateIds: string[];
  createdAt: string;
}
