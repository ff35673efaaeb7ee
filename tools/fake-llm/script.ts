/**
 * What the fake upstream answers, decided by directives in the last user message, so a test can ask for exactly
 * the behaviour it needs. Every provider honours every directive:
 *   [[reply:Some text]]            answer with this text (default: a sentence quoting the prompt)
 *   [[status:429]]                 answer with this HTTP error status in the provider's error format
 *   [[delay:50]]                   wait this many ms before each streamed chunk
 *   [[cut-after:3]]                stream 3 text chunks, then drop the connection (no usage, no final event)
 *   [[ignore-max-tokens]]          behave like a provider that ignores the request's output cap (`max_tokens` and
 *                                  friends): the whole reply is streamed and the scripted usage reported uncapped
 *   [[usage:prompt=1000,completion=500,cached=200,reasoning=50,cacheWrite=100]]  report these token counts
 *   [[cost:0.00012]]               OpenRouter only: the USD cost to report in `usage.cost`
 *   [[byok:0.0025]]                OpenRouter only: answer as a BYOK request — `usage.is_byok: true`, `usage.cost` is
 *                                  OpenRouter's fee alone and `cost_details.upstream_inference_cost` this USD amount
 *                                  (what the user's own provider key was charged). Without it `is_byok` is false and
 *                                  `upstream_inference_cost` equals `cost`, as OpenRouter reports it. `[[byok:none]]`:
 *                                  a BYOK answer whose upstream cost is null (not reported).
 *   [[thinks:200]]                 Gemini only: the model thinks this many tokens before answering (as Gemini 2.5 does by
 *                                  default) unless `generationConfig.thinkingConfig.thinkingBudget` is 0 (off) or
 *                                  lower (then that many). Thoughts come out of `maxOutputTokens` first, as on Gemini,
 *                                  so a small cap leaves no room for the answer.
 *   [[raw-usage:a.b=3,c=1]]        add these numeric fields (dotted paths) to the provider's raw usage object, e.g. a
 *                                  bill line the provider has just introduced: [[raw-usage:server_tool_use.code_execution_requests=1]]
 *   [[tool:NAME:JSON-ARGS]]        call the tool NAME with these arguments, e.g. [[tool:ask_researcher:{"task":"find facts"}]]
 *                                  (the JSON may hold `:`, `}` and `]` but never `]]`; no JSON means `{}`). Several
 *                                  tool directives make several (parallel) tool calls in one answer.
 *   [[tool-rounds:2]]              how many rounds of tool calls to make before answering with text (default 1)
 *   [[think:Some thoughts]]        OpenAI-compatible and OpenRouter only: stream this reasoning before the reply, in the
 *                                  field those servers use (`reasoning_content` as vLLM and DeepSeek, OpenRouter's
 *                                  `reasoning`); OpenAI's chat API shows no reasoning
 *
 * Tool calls: a "round" is one answer's tool calls and the tool results sent back for them. While the conversation
 * holds fewer rounds of tool results than `tool-rounds` after the prompt (the last user message that is more than
 * tool results), the answer is the `[[tool:…]]` calls, in the provider's own wire format and finish reason (OpenAI
 * `tool_calls`; Responses `function_call` items; Anthropic `tool_use` blocks and `stop_reason: "tool_use"`; Gemini
 * `functionCall` parts with `finishReason: "STOP"`) and no text. Once enough results are back, the answer is text:
 * the `[[reply:…]]` if given, else "Tool results: " and the results' contents joined with " | ". Tool results are
 * recognised as each provider sends them: OpenAI `role: "tool"` messages, Responses `function_call_output` items,
 * Anthropic `tool_result` blocks, Gemini `functionResponse` parts. As with a real model, only tools the request
 * declares are called: a directive naming a tool the request does not offer is ignored (so a call made without
 * tools, such as a chat-title request carrying the same user message, gets text). Tool-call answers report usage
 * too (the output estimate counts the calls' names and arguments), honour `delay`, and stream their arguments in
 * pieces that count towards `cut-after`, like a text reply's words. Every directive is read from the prompt on
 * every step of a loop.
 *
 * Token counts always mean the same thing, whatever the provider (they are what the AI SDK reports back):
 *   prompt      all input tokens, cache reads and cache writes included (SDK `inputTokens`)
 *   cached      input tokens read from the prompt cache (SDK `inputTokenDetails.cacheReadTokens`)
 *   cacheWrite  input tokens written to the prompt cache (SDK `inputTokenDetails.cacheWriteTokens`)
 *   completion  all output tokens, reasoning included (SDK `outputTokens`)
 *   reasoning   output tokens spent thinking (SDK `outputTokenDetails.reasoningTokens`; Gemini's "thoughts")
 *   cacheWrite1h  the part of cacheWrite written to the 1-hour cache (Anthropic `cache_creation.ephemeral_1h_input_tokens`;
 *                 the rest is reported as `ephemeral_5m_input_tokens`)
 *   audioIn     the part of the uncached input that is audio (OpenAI chat `prompt_tokens_details.audio_tokens`, Gemini
 *               `promptTokensDetails` AUDIO)
 *   audioOut    the part of the non-reasoning output that is audio (OpenAI chat `completion_tokens_details.audio_tokens`,
 *               Gemini `candidatesTokensDetails` AUDIO)
 *   webSearch   server-side web searches: Anthropic `server_tool_use.web_search_requests`, OpenAI Responses
 *               `web_search_call` output items, Gemini `groundingMetadata.webSearchQueries` (that many queries)
 *   webFetch    Anthropic `server_tool_use.web_fetch_requests`
 * Each provider module splits them the way that provider reports them (Anthropic's `input_tokens` leaves cache
 * reads and writes out; Gemini's `candidatesTokenCount` leaves thoughts out). Unset counts are estimated from the
 * text (about four characters per token); unset cached/cacheWrite/reasoning are 0.
 */
export interface Script {
  reply: string;
  status?: number;
  delayMs: number;
  cutAfter?: number;
  usage?: Partial<Record<UsageKey, number>>;
  /** USD, for OpenRouter's `usage.cost`. */
  cost?: number;
  /** USD, OpenRouter BYOK: `cost_details.upstream_inference_cost` (and `is_byok: true`); null: BYOK, not reported. */
  byokUpstreamCost?: number | null;
  /** `[[thinks:N]]` (Gemini): thinking tokens spent by default. */
  thinks?: number;
  /** `[[raw-usage:…]]`: extra numeric fields for the raw usage object, by dotted path. */
  rawUsage?: Record<string, number>;
  /** The `[[tool:…]]` calls, in order (absent when there are none). */
  tools?: ToolCallDirective[];
  /** `[[tool-rounds:N]]`: rounds of tool calls before the text answer (absent: 1). */
  toolRounds?: number;
  /** `[[ignore-max-tokens]]`: the output cap is not honoured (a misbehaving provider). */
  ignoreMaxTokens?: boolean;
  /** `[[think:…]]`: reasoning text streamed before the reply (OpenAI-compatible servers and OpenRouter). */
  think?: string;
}

/** One `[[tool:NAME:JSON-ARGS]]` directive. */
export interface ToolCallDirective {
  name: string;
  /** The arguments as written, a JSON text (`{}` when none were given). Sent as is, even when it is not valid JSON. */
  arguments: string;
  /** The arguments parsed, when they are a JSON object (Anthropic's `input` and Gemini's `args` are objects). */
  input?: Record<string, unknown>;
}

/** `[[name:value]]` or a bare flag `[[name]]`; the value may hold a single `]` (JSON arrays) but never `]]`. */
const DIRECTIVE = /\[\[(\w[\w-]*)(?::((?:[^\]]|\](?!\]))*))?\]\]/g;
const USAGE_KEYS = new Set(["prompt", "completion", "cached", "reasoning", "cacheWrite", "cacheWrite1h", "audioIn", "audioOut", "webSearch", "webFetch"]);
type UsageKey = "prompt" | "completion" | "cached" | "reasoning" | "cacheWrite" | "cacheWrite1h" | "audioIn" | "audioOut" | "webSearch" | "webFetch";

/**
 * The script in a prompt. `toolResults` are the contents of the tool results sent back since the prompt: when there
 * are any and no `[[reply:…]]` was given, the reply quotes them.
 */
export function parseScript(prompt: string, toolResults: string[] = []): Script {
  const script: Script = { reply: "", delayMs: 0 };
  let reply: string | undefined;
  for (const [, name, value] of prompt.matchAll(DIRECTIVE)) {
    const v = (value ?? "").trim();
    if (name === "reply") reply = v;
    else if (name === "ignore-max-tokens") script.ignoreMaxTokens = true;
    else if (name === "think") script.think = v;
    else if (name === "tool") {
      const call = parseToolDirective(v);
      if (call) (script.tools ??= []).push(call);
    } else if (name === "tool-rounds") {
      if (/^\d+$/.test(v)) script.toolRounds = Number(v);
    } else if (name === "status") script.status = Number(v);
    else if (name === "delay") script.delayMs = Number(v) || 0;
    else if (name === "cut-after") script.cutAfter = Number(v);
    else if (name === "cost") {
      const cost = Number(v);
      if (v !== "" && Number.isFinite(cost) && cost >= 0) script.cost = cost;
    } else if (name === "byok") {
      const cost = Number(v);
      if (v === "none") script.byokUpstreamCost = null;
      else if (v !== "" && Number.isFinite(cost) && cost >= 0) script.byokUpstreamCost = cost;
    } else if (name === "thinks") {
      if (/^\d+$/.test(v)) script.thinks = Number(v);
    } else if (name === "raw-usage") {
      script.rawUsage = {};
      for (const pair of v.split(",")) {
        const [key, num] = pair.split("=").map((s) => s.trim());
        if (key && /^[\w.]+$/.test(key) && num && /^\d+$/.test(num)) script.rawUsage[key] = Number(num);
      }
    } else if (name === "usage") {
      script.usage = {};
      for (const pair of v.split(",")) {
        const [key, num] = pair.split("=").map((s) => s.trim());
        if (key && USAGE_KEYS.has(key) && num && /^\d+$/.test(num)) {
          script.usage[key as UsageKey] = Number(num);
        }
      }
    }
  }
  const plain = prompt.replace(DIRECTIVE, "").trim();
  script.reply =
    reply ??
    (toolResults.length > 0
      ? `Tool results: ${toolResults.join(" | ")}`
      : `This is the fake upstream answering: ${plain.slice(0, 80) || "(empty prompt)"}.`);
  return script;
}

function parseToolDirective(value: string): ToolCallDirective | undefined {
  const colon = value.indexOf(":");
  const name = (colon === -1 ? value : value.slice(0, colon)).trim();
  if (!/^[\w.-]+$/.test(name)) return undefined;
  const args = colon === -1 ? "" : value.slice(colon + 1).trim();
  const call: ToolCallDirective = { name, arguments: args || "{}" };
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) call.input = parsed as Record<string, unknown>;
  } catch {
    // Left as written: the SDK reports the invalid arguments, as it would a model's.
  }
  return call;
}

/**
 * The tool calls this answer makes, given how many rounds of tool results came back since the prompt and which tools
 * the request declares: the `[[tool:…]]` calls of declared tools while that is fewer than `tool-rounds` (default 1),
 * none after (then the answer is text).
 */
export function dueToolCalls(script: Script, resultRounds: number, declared: readonly string[] | undefined): ToolCallDirective[] {
  if (resultRounds >= (script.toolRounds ?? 1)) return [];
  return (script.tools ?? []).filter((call) => declared?.includes(call.name));
}

/** The rounds of tool results in a list of messages: runs of consecutive messages (or items) that carry results. */
export function countResultRounds(carriesResults: boolean[]): number {
  return carriesResults.filter((carries, i) => carries && !carriesResults[i - 1]).length;
}

/** What a tool-call answer "says", for the output token estimate: each call's name and arguments. */
export function toolCallsText(calls: ToolCallDirective[]): string {
  return calls.map((call) => `${call.name}${call.arguments}`).join("\n");
}

/** Splits a tool call's JSON arguments into streamed pieces (at most 12 characters each), as providers stream them. */
export function chunkArguments(args: string): string[] {
  return args.match(/[\s\S]{1,12}/g) ?? [""];
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
  /** Part of cacheWrite. */
  cacheWrite1h: number;
  /** Part of the uncached input. */
  audioIn: number;
  /** Part of the non-reasoning output. */
  audioOut: number;
  webSearch: number;
  webFetch: number;
}

/** The raw usage object with the script's `[[raw-usage:…]]` fields added (dotted paths make nested objects). */
export function withRawUsage<T extends object>(usage: T, script: Script): T {
  if (!script.rawUsage) return usage;
  const out = structuredClone(usage) as Record<string, unknown>;
  for (const [path, value] of Object.entries(script.rawUsage)) {
    const keys = path.split(".");
    let at = out;
    for (const key of keys.slice(0, -1)) {
      if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[keys.at(-1)!] = value;
  }
  return out as T;
}

/** The counts to report: the script's, or estimates from the prompt and reply text. Parts never exceed their total. */
export function resolveUsage(script: Script, promptText: string, reply: string): TokenUsage {
  const u = script.usage ?? {};
  const input = u.prompt ?? fakeTokenCount(promptText);
  const cacheRead = Math.min(u.cached ?? 0, input);
  const cacheWrite = Math.min(u.cacheWrite ?? 0, input - cacheRead);
  const output = u.completion ?? fakeTokenCount(reply) + (u.reasoning ?? 0);
  const reasoning = Math.min(u.reasoning ?? 0, output);
  return {
    input,
    cacheRead,
    cacheWrite,
    output,
    reasoning,
    cacheWrite1h: Math.min(u.cacheWrite1h ?? 0, cacheWrite),
    audioIn: Math.min(u.audioIn ?? 0, input - cacheRead - cacheWrite),
    audioOut: Math.min(u.audioOut ?? 0, output - reasoning),
    webSearch: u.webSearch ?? 0,
    webFetch: u.webFetch ?? 0,
  };
}

/**
 * Real providers never produce more output than the request allows (`max_tokens` and friends): the reply is cut to
 * about that many tokens and reported output counts are capped, as a provider would stop with finish reason "length".
 */
export function capOutput(script: Script, maxTokens: unknown): Script {
  if (script.ignoreMaxTokens) return script;
  if (typeof maxTokens !== "number" || !Number.isFinite(maxTokens) || maxTokens <= 0) return script;
  const usage = script.usage ? { ...script.usage } : undefined;
  if (usage?.completion !== undefined) usage.completion = Math.min(usage.completion, maxTokens);
  if (usage?.reasoning !== undefined) usage.reasoning = Math.min(usage.reasoning, maxTokens);
  const room = Math.max(0, maxTokens - (usage?.reasoning ?? 0));
  const reply = fakeTokenCount(script.reply) > room ? script.reply.slice(0, room * 4) : script.reply;
  return { ...script, reply, ...(usage ? { usage } : {}) };
}

/** A short unique-enough id suffix, like the random tails real providers put on ids. */
export function fakeId(): string {
  return `fake${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
