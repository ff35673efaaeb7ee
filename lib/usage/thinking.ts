import type { JSONValue } from "ai";
import type { ProviderKind } from "@/db/schema";

/**
 * Thinking ("reasoning") models spend part of the output cap on thoughts before any answer: under a small cap the
 * thoughts can eat it all, and the empty answer is billed anyway. Two rules follow:
 *  - background calls with a tiny cap (titles) turn thinking off where the provider allows it, or ask for the least
 *    budget it accepts and raise the cap by that much (`smallAnswerSettings`);
 *  - a call whose thinking cannot go below a known floor needs a cap above it (`thinkingFloor`): when a budget would
 *    clamp the cap under floor + 1, the call is refused with the budget message rather than made.
 *
 * Published limits (checked 2026-12-02):
 *  - Gemini 2.5 Pro thinks always, thinkingBudget 128–32768; Gemini 2.5 Flash 0 (off)–24576; Flash-Lite 512–24576,
 *    or 0 (off, its default) — https://ai.google.dev/gemini-api/docs/thinking. Thoughts count towards maxOutputTokens.
 *  - Gemini 3 cannot turn thinking off; `thinkingLevel: "low"` is the least (no token floor is published).
 *  - Anthropic extended thinking is off unless asked for; when on, `budget_tokens` ≥ 1024 and `max_tokens` must exceed
 *    it — https://docs.claude.com/en/docs/build-with-claude/extended-thinking.
 *  - OpenAI reasoning models (o-series, gpt-5): `reasoningEffort: "minimal"` (gpt-5) or `"low"` (o-series) is the
 *    least; reasoning tokens count towards max_completion_tokens — https://platform.openai.com/docs/guides/reasoning.
 *
 * Pure: no I/O.
 */

type ProviderOptions = Record<string, Record<string, JSONValue>>;

const bare = (modelId: string) => modelId.replace(/^models\//, "").toLowerCase();

/** Gemini 2.5 Pro's least thinking budget: it cannot think less. */
export const GEMINI_25_PRO_MIN_THINKING = 128;

function isGemini25Pro(id: string) {
  return id.startsWith("gemini-2.5-pro");
}

function isOpenAIReasoning(id: string) {
  return /^(o\d|gpt-5)/.test(id) && !id.includes("chat");
}

/**
 * Settings for a call that needs only a few answer tokens (a title): the provider options that turn thinking off or
 * down, and the output cap to ask for so that `answerTokens` still fit after the least thinking the model must do.
 */
export function smallAnswerSettings(provider: ProviderKind, modelId: string, answerTokens: number): { maxOutputTokens: number; providerOptions?: ProviderOptions } {
  const id = bare(modelId);
  if (provider === "google") {
    if (isGemini25Pro(id)) {
      return { maxOutputTokens: answerTokens + GEMINI_25_PRO_MIN_THINKING, providerOptions: { google: { thinkingConfig: { thinkingBudget: GEMINI_25_PRO_MIN_THINKING } } } };
    }
    if (id.startsWith("gemini-2.5")) return { maxOutputTokens: answerTokens, providerOptions: { google: { thinkingConfig: { thinkingBudget: 0 } } } };
    if (/^gemini-[3-9]/.test(id)) return { maxOutputTokens: answerTokens, providerOptions: { google: { thinkingConfig: { thinkingLevel: "low" } } } };
  }
  if (provider === "openai" && isOpenAIReasoning(id)) {
    return { maxOutputTokens: answerTokens, providerOptions: { openai: { reasoningEffort: id.startsWith("gpt-5") ? "minimal" : "low" } } };
  }
  return { maxOutputTokens: answerTokens };
}

/**
 * The output tokens a call will spend thinking whatever happens (0 when thinking is off or has no known floor), from
 * the model and the call's provider options: an explicit Gemini `thinkingBudget` (-1 = dynamic: the model's least),
 * Gemini 2.5 Pro's least budget, an Anthropic thinking `budgetTokens`.
 */
export function thinkingFloor(provider: ProviderKind, modelId: string, providerOptions: Record<string, unknown> | undefined): number {
  const id = bare(modelId);
  const options = (providerOptions?.[provider] ?? {}) as Record<string, unknown>;
  if (provider === "google") {
    const budget = (options.thinkingConfig as { thinkingBudget?: unknown } | undefined)?.thinkingBudget;
    if (typeof budget === "number" && budget >= 0) return isGemini25Pro(id) ? Math.max(budget, GEMINI_25_PRO_MIN_THINKING) : budget;
    return isGemini25Pro(id) ? GEMINI_25_PRO_MIN_THINKING : 0;
  }
  if (provider === "anthropic") {
    const thinking = options.thinking as { type?: unknown; budgetTokens?: unknown } | undefined;
    return thinking?.type === "enabled" && typeof thinking.budgetTokens === "number" ? thinking.budgetTokens : 0;
  }
  return 0;
}
