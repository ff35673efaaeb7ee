import { countTokens, decode, encode } from "gpt-tokenizer";
import type { TokenUsage } from "@/lib/pricing/price-book";

/** Token usage as a provider reports it through the AI SDK's language-model interface. */
export interface ProviderUsage {
  inputTokens: { total?: number; noCache?: number; cacheRead?: number; cacheWrite?: number };
  outputTokens: { total?: number; text?: number; reasoning?: number };
  raw?: unknown;
}

const n = (value: number | undefined | null): number => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/**
 * Provider usage → our token buckets, each token counted once: the SDK's input total already includes cache reads
 * and writes (OpenAI and Anthropic alike), so the uncached part is `noCache`, or the total minus the cached parts.
 */
export function toTokenUsage(usage: ProviderUsage): TokenUsage {
  const cacheRead = n(usage.inputTokens.cacheRead);
  const cacheWrite = n(usage.inputTokens.cacheWrite);
  const inputNoCache =
    usage.inputTokens.noCache !== undefined ? n(usage.inputTokens.noCache) : Math.max(0, n(usage.inputTokens.total) - cacheRead - cacheWrite);
  const reasoning = n(usage.outputTokens.reasoning);
  const total = usage.outputTokens.total !== undefined ? n(usage.outputTokens.total) : n(usage.outputTokens.text) + reasoning;
  return { inputNoCache, cacheRead, cacheWrite, output: Math.max(total, reasoning), reasoning };
}

export function totalTokens(usage: TokenUsage): number {
  return usage.inputNoCache + usage.cacheRead + usage.cacheWrite + usage.output;
}

/**
 * A token count for text we must estimate (a stopped or failed answer, a prompt before the call). Uses the
 * o200k tokenizer for every provider: exact for current OpenAI models, close for the others.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  try {
    return countTokens(text);
  } catch {
    return Math.ceil(text.length / 4);
  }
}

/** The longest start of `text` that is at most `tokens` tokens (by the same tokenizer as `estimateTokens`). */
export function truncateToTokens(text: string, tokens: number): string {
  if (tokens <= 0 || !text) return "";
  try {
    const encoded = encode(text);
    return encoded.length <= tokens ? text : decode(encoded.slice(0, tokens));
  } catch {
    return text.slice(0, tokens * 4);
  }
}

/** Per-message framing tokens chat formats add around each message (OpenAI documents 3–4). */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** Estimated input tokens of a language-model prompt (system, user, assistant and tool messages). */
export function estimatePromptTokens(prompt: readonly { role: string; content: unknown }[]): number {
  let tokens = 3;
  for (const message of prompt) tokens += MESSAGE_OVERHEAD_TOKENS + estimateTokens(promptText(message.content));
  return tokens;
}

function promptText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string; input?: unknown; output?: unknown; toolName?: string }) => {
      if (part.type === "text" || part.type === "reasoning") return part.text ?? "";
      if (part.type === "tool-call") return `${part.toolName ?? ""} ${JSON.stringify(part.input ?? "")}`;
      if (part.type === "tool-result") return JSON.stringify(part.output ?? "");
      return "";
    })
    .join("\n");
}
