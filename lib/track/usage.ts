import type { ProviderKind } from "@/db/schema";
import type { TokenUsage } from "@/lib/pricing/price-book";
import type { TrackEvent } from "./event";

/**
 * A tracked event's token fields → our token buckets, read in the convention of the provider the event names (what
 * that provider's own usage object means, so a hook can forward it as it is):
 *  - anthropic: `input_tokens` is the uncached input only; `cache_read_tokens` / `cache_write_tokens` are separate
 *    (Anthropic's `input_tokens`, `cache_read_input_tokens`, `cache_creation_input_tokens`).
 *  - openai, openrouter, openai-compatible, google: `input_tokens` is the whole prompt, cached tokens included (OpenAI's
 *    `prompt_tokens` with `cached_tokens`, Gemini's `promptTokenCount` with `cachedContentTokenCount`); the cache tokens
 *    are taken out of it. Without `input_tokens`, the prompt is the cache tokens alone.
 *  - `output_tokens` includes `reasoning_tokens` (OpenAI's `completion_tokens`, Anthropic's `output_tokens`), except for
 *    google, where Gemini's `candidatesTokenCount` leaves out `thoughtsTokenCount`: there the reasoning is added.
 * Returns an error message when the numbers cannot be read that way (cache tokens larger than the whole prompt).
 */
export function trackedUsage(provider: ProviderKind, event: Pick<TrackEvent, "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens">): TokenUsage | { error: string } {
  const cacheRead = event.cache_read_tokens ?? 0;
  const cacheWrite = event.cache_write_tokens ?? 0;
  const reasoning = event.reasoning_tokens ?? 0;
  let inputNoCache: number;
  if (provider === "anthropic") {
    inputNoCache = event.input_tokens ?? 0;
  } else {
    const prompt = event.input_tokens ?? cacheRead + cacheWrite;
    inputNoCache = prompt - cacheRead - cacheWrite;
    if (inputNoCache < 0) {
      return {
        error: `input_tokens (${prompt}) is less than cache_read_tokens + cache_write_tokens (${cacheRead + cacheWrite}): for ${provider}, input_tokens counts the whole prompt, cached tokens included.`,
      };
    }
  }
  const written = event.output_tokens ?? 0;
  const output = provider === "google" ? written + reasoning : Math.max(written, reasoning);
  return { inputNoCache, cacheRead, cacheWrite, output, reasoning };
}

/** Whether the event measured anything: tokens or a reported cost. */
export function isMeasured(event: Pick<TrackEvent, "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "cost_usd">): boolean {
  return [event.input_tokens, event.output_tokens, event.cache_read_tokens, event.cache_write_tokens, event.reasoning_tokens, event.cost_usd].some((v) => v !== undefined);
}
