/**
 * What the fake upstream answers, decided by directives in the last user message, so a test can ask for exactly
 * the behaviour it needs. Every provider honours every directive:
 *   [[reply:Some text]]            answer with this text (default: a sentence quoting the prompt)
 *   [[status:429]]                 answer with this HTTP error status in the provider's error format
 *   [[delay:50]]                   wait this many ms before each streamed chunk
 *   [[cut-after:3]]                stream 3 text chunks, then drop the connection (no usage, no final event)
 *   [[usage:prompt=1000,completion=500,cached=200,reasoning=50,cacheWrite=100]]  report these token counts
 *   [[cost:0.00012]]               OpenRouter only: the USD cost to report in `usage.cost`
 *
 * Token counts always mean the same thing, whatever the provider (they are what the AI SDK reports back):
 *   prompt      all input tokens, cache reads and cache writes included (SDK `inputTokens`)
 *   cached      input tokens read from the prompt cache (SDK `inputTokenDetails.cacheReadTokens`)
 *   cacheWrite  input tokens written to the prompt cache (SDK `inputTokenDetails.cacheWriteTokens`)
 *   completion  all output tokens, reasoning included (SDK `outputTokens`)
 *   reasoning   output tokens spent thinking (SDK `outputTokenDetails.reasoningTokens`; Gemini's "thoughts")
 * Each provider module splits them the way that provider reports them (Anthropic's `input_tokens` leaves cache
 * reads and writes out; Gemini's `candidatesTokenCount` leaves thoughts out). Unset counts are estimated from the
 * text (about four characters per token); unset cached/cacheWrite/reasoning are 0.
 */
export interface Script {
  reply: string;
  status?: number;
  delayMs: number;
  cutAfter?: number;
  usage?: Partial<Record<"prompt" | "completion" | "cached" | "reasoning" | "cacheWrite", number>>;
  /** USD, for OpenRouter's `usage.cost`. */
  cost?: number;
}

const DIRECTIVE = /\[\[(\w[\w-]*):([^\]]*)\]\]/g;
const USAGE_KEYS = new Set(["prompt", "completion", "cached", "reasoning", "cacheWrite"]);

export function parseScript(prompt: string): Script {
  const script: Script = { reply: "", delayMs: 0 };
  let reply: string | undefined;
  for (const [, name, value] of prompt.matchAll(DIRECTIVE)) {
    const v = value!.trim();
    if (name === "reply") reply = v;
    else if (name === "status") script.status = Number(v);
    else if (name === "delay") script.delayMs = Number(v) || 0;
    else if (name === "cut-after") script.cutAfter = Number(v);
    else if (name === "cost") {
      const cost = Number(v);
      if (v !== "" && Number.isFinite(cost) && cost >= 0) script.cost = cost;
    } else if (name === "usage") {
      script.usage = {};
      for (const pair of v.split(",")) {
        const [key, num] = pair.split("=").map((s) => s.trim());
        if (key && USAGE_KEYS.has(key) && num && /^\d+$/.test(num)) {
          script.usage[key as keyof NonNullable<Script["usage"]>] = Number(num);
        }
      }
    }
  }
  const plain = prompt.replace(DIRECTIVE, "").trim();
  script.reply = reply ?? `This is the fake upstream answering: ${plain.slice(0, 80) || "(empty prompt)"}.`;
  return script;
}

/** Splits a reply into streamed pieces: one word (with its following space) per chunk. */
export function chunkText(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** A deterministic token count: about four characters per token, at least one for non-empty text. */
export function fakeTokenCount(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Provider-neutral token counts for one answer (see the top of this file for what each one means). */
export interface TokenUsage {
  /** All input tokens, cache reads and writes included. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** All output tokens, reasoning included. */
  output: number;
  reasoning: number;
}

/** The counts to report: the script's, or estimates from the prompt and reply text. Parts never exceed their total. */
export function resolveUsage(script: Script, promptText: string, reply: string): TokenUsage {
  const u = script.usage ?? {};
  const input = u.prompt ?? fakeTokenCount(promptText);
  const cacheRead = Math.min(u.cached ?? 0, input);
  const cacheWrite = Math.min(u.cacheWrite ?? 0, input - cacheRead);
  const output = u.completion ?? fakeTokenCount(reply) + (u.reasoning ?? 0);
  const reasoning = Math.min(u.reasoning ?? 0, output);
  return { input, cacheRead, cacheWrite, output, reasoning };
}

/** A short unique-enough id suffix, like the random tails real providers put on ids. */
export function fakeId(): string {
  return `fake${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
