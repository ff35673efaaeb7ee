import "server-only";
import { generateText } from "ai";
import { setGeneratedTitle } from "@/db/queries/conversations";
import { AppError } from "@/lib/errors";
import { describeError } from "@/lib/log";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { resolveUserModel } from "@/lib/providers/resolve-model";
import { meterModel, UsageCollector } from "@/lib/usage/metering";
import { smallAnswerSettings } from "@/lib/usage/thinking";
import { recordUsage } from "@/lib/usage/recorder";

const TITLE_MAX_OUTPUT_TOKENS = 24;

/** "  \"Planning a trip to Lisbon.\"  " → "Planning a trip to Lisbon" */
export function cleanTitle(text: string): string {
  const line = text.split("\n").find((l) => l.trim()) ?? "";
  return line.replace(/^["'“”\s#*]+|["'“”\s.*]+$/g, "").replace(/^title:\s*/i, "").slice(0, 80);
}

/**
 * Names a conversation from its first message, in the background, with `purpose: 'background'`: the deployment's key
 * when one is configured, else the user's own; no usable key, or no room in the budget → no title (the sidebar
 * shows the first words instead). Metered under the user with `feature: title`.
 */
export async function generateConversationTitle(options: { userId: string; conversationId: string; modelRef: string | null; firstMessage: string }): Promise<string | null> {
  let resolved;
  try {
    resolved = await resolveUserModel(options.userId, { override: options.modelRef, purpose: "background" });
  } catch (error) {
    if (error instanceof AppError) return null;
    throw error;
  }
  const collector = new UsageCollector(`title-${options.conversationId}-${Date.now()}`);
  const model = meterModel(
    resolved,
    {
      userId: options.userId,
      feature: "title",
      conversationId: options.conversationId,
      overrides: await loadPriceOverrides(),
    },
    collector,
  );
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
  await collector.idle();
  await recordUsage(collector.records);
  if (title) await setGeneratedTitle({ id: options.conversationId, title });
  return title;
}
