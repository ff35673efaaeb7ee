import type { ChatMessageMetadata, ConversationCostPart } from "./contract";

/** A message as the chat holds it: its id and, for an answer, the cost the server put on it. */
export interface ShownMessage {
  id: string;
  role: string;
  metadata?: Pick<ChatMessageMetadata, "costNano" | "inputTokens" | "outputTokens" | "priced"> | undefined;
}

export interface ConversationTotal {
  /** Everything the conversation cost (nano-USD): every recorded call, plus shown answers not recorded yet. */
  costNano: number;
  tokens: number;
  /** Some call had no known price (its cost is not in the totals). */
  hasUnpriced: boolean;
  /** The part of `costNano` spent on answers no longer shown (replaced by Regenerate or an edit, or lost to an error). */
  replacedCostNano: number;
  /** The part of `costNano` spent naming the conversation. */
  titleCostNano: number;
}

/**
 * The totals rule: a conversation costs what was paid for it, which is every usage event recorded under it — answers
 * shown, answers replaced by Regenerate or by editing a message (their events stay), delegated assistants and the
 * generated title. An answer shown but not recorded yet (usage is written just after the stream ends) adds the cost
 * streamed with it, once: when its events arrive (the same message id), they replace it.
 *
 * Of the total, `replacedCostNano` is what the shown answers and the title do not account for: recorded cost minus the
 * title's minus each recorded shown answer's own cost (which includes its delegates' calls).
 */
export function conversationTotal(parts: readonly ConversationCostPart[], shown: readonly ShownMessage[]): ConversationTotal {
  const recordedIds = new Set<string>();
  let costNano = 0;
  let tokens = 0;
  let hasUnpriced = false;
  let titleCostNano = 0;
  for (const part of parts) {
    costNano += part.costNano;
    tokens += part.tokens;
    if (part.unpricedCalls > 0) hasUnpriced = true;
    if (part.feature === "title") titleCostNano += part.costNano;
    if (part.messageId) recordedIds.add(part.messageId);
  }

  let shownRecordedCost = 0;
  for (const message of shown) {
    const meta = message.metadata;
    if (message.role !== "assistant" || !meta) continue;
    if (meta.priced === false) hasUnpriced = true;
    if (recordedIds.has(message.id)) {
      shownRecordedCost += meta.costNano ?? 0;
    } else {
      costNano += meta.costNano ?? 0;
      tokens += (meta.inputTokens ?? 0) + (meta.outputTokens ?? 0);
    }
  }
  const recordedCost = parts.reduce((sum, part) => sum + part.costNano, 0);
  const replacedCostNano = Math.max(0, recordedCost - titleCostNano - shownRecordedCost);
  return { costNano, tokens, hasUnpriced, replacedCostNano, titleCostNano };
}
