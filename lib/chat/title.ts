import "server-only";
import { generateText } from "ai";
import { GENERATED_TITLE_MAX, plainTitle } from "@/lib/chat/plain-title";
import { AppError } from "@/lib/errors";
import { describeError } from "@/lib/log";
import type { PriceOverride } from "@/lib/pricing/price-book";
import { resolveModelFrom, type ModelSources } from "@/lib/providers/resolve-model";
import { meteredCall } from "@/lib/usage/metered-call";
import { cachedBudgets } from "@/lib/usage/metering-context";
import { meteredModel } from "@/lib/usage/model-middleware";
import { smallAnswerSettings } from "@/lib/usage/thinking";

const TITLE_MAX_OUTPUT_TOKENS = 24;

/** "  **\"Planning a trip to Lisbon.\"**  " → "Planning a trip to Lisbon" (plain text, see plain-title.ts). */
export function cleanTitle(text: string): string {
  return plainTitle(text, GENERATED_TITLE_MAX);
}

/**
 * Names a conversation from its first message, in the background, with `purpose: 'background'`: the deployment's key
 * where its policy opens it to this user (everyone or their team), else the user's own; no usable key, or no room in the budget → no title (the sidebar
 * shows the first words instead). Metered under the user with `feature: title`.
 */
export async function generateConversationTitle(options: {
  userId: string;
  conversationId: string;
  modelRef: string | null;
  firstMessage: string;
  /** What the chat turn read: the user's model sources, the price overrides and the user's time zone. */
  sources: ModelSources;
  overrides: PriceOverride[];
  timeZone?: string;
}): Promise<string | null> {
  let resolved;
  try {
    resolved = resolveModelFrom(options.sources, { override: options.modelRef, purpose: "background" });
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
  const call = meteredCall(resolved, {
    userId: options.userId,
    feature: "title",
    source: "chat",
    conversationId: options.conversationId,
    requestId: `title-${options.conversationId}-${Date.now()}`,
    overrides: options.overrides,
    // The budgets as this process read them within the second, if it did (else the reservation reads them); the
    // turn's own copy may be as old as its answer is long.
    budgets: await cachedBudgets(options.userId),
    timeZone: options.timeZone,
  });
  const model = meteredModel(call);
  let title: string | null = null;
  // Thinking off (or at the least the model accepts, with the cap raised by that much): thoughts would eat the cap.
  const settings = smallAnswerSettings(resolved.provider, resolved.modelId, TITLE_MAX_OUTPUT_TOKENS);
  try {
    const result = await generateText({
      model,
      system: "You name chat conversations. Answer with a title of at most six words, no quotes, no final period.",
      prompt: options.firstMessage.slice(0, 2000),
      maxOutputTokens: settings.maxOutputTokens,
      ...(settings.providerOptions ? { providerOptions: settings.providerOptions } : {}),
      maxRetries: 0,
    });
    title = cleanTitle(result.text) || null;
  } catch (error) {
    if (!(error instanceof AppError)) console.warn("[title] could not name conversation %s: %s", options.conversationId, describeError(error));
  }
  // The title is set (where the conversation has none yet) in the same write as the call's usage.
  await call.record(title ? { sideWrites: [{ kind: "title", conversationId: options.conversationId, title }] } : {});
  return title;
}
