import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { estimatePromptTokens, type ProviderUsage } from "@/lib/usage/tokens";
import { authenticateGateway, readGatewayBody, startGatewayCall } from "./caller";
import { gatewayError } from "./errors";
import { answered, forward } from "./forward";
import { translatedChatCompletion } from "./openai-translate";
import { relayEvents, type StreamObserver } from "./relay";

/**
 * `POST /api/v1/chat/completions`: OpenAI's chat-completions API in front of the user's own OpenAI, OpenRouter and
 * OpenAI-compatible keys (Anthropic and Gemini models are translated: lib/gateway/openai-translate.ts). The request goes on as the client sent it but for the model id, the output cap the budget
 * leaves, and asking the provider for usage (`stream_options.include_usage`, OpenRouter's `usage.include`); the answer
 * comes back byte for byte, without the usage chunk when the client did not ask for one.
 */

/** The output a request that names no cap may produce, for its reservation (`GATEWAY_MAX_OUTPUT_TOKENS`). */
function defaultCap(): number {
  const configured = Number(process.env.GATEWAY_MAX_OUTPUT_TOKENS);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : 16_384;
}

const cap = z.number().int().positive().max(10_000_000).optional();
const bodySchema = z.looseObject({
  model: z.string().min(1, "Name a model (e.g. openai:gpt-4o-mini).").max(300),
  messages: z.array(z.looseObject({ role: z.string() })).min(1, "Send at least one message."),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: cap.nullable(),
  max_completion_tokens: cap.nullable(),
});

const PASS_THROUGH = ["openai", "openrouter", "openai-compatible"] as const;

/** OpenAI's usage object → the metered call's. */
export function openAIUsage(usage: Record<string, unknown>): ProviderUsage {
  const prompt = (usage.prompt_tokens_details ?? {}) as Record<string, unknown>;
  const completion = (usage.completion_tokens_details ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  return {
    inputTokens: { total: num(usage.prompt_tokens), cacheRead: num(prompt.cached_tokens), cacheWrite: num(prompt.cache_write_tokens) },
    outputTokens: { total: num(usage.completion_tokens), reasoning: num(completion.reasoning_tokens) },
    raw: usage,
  };
}

function chunkText(chunk: { choices?: { delta?: { content?: unknown; reasoning?: unknown; reasoning_content?: unknown; tool_calls?: { function?: { arguments?: unknown } }[] } }[] }): string {
  let text = "";
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta ?? {};
    for (const piece of [delta.content, delta.reasoning, delta.reasoning_content]) if (typeof piece === "string") text += piece;
    for (const call of delta.tool_calls ?? []) if (typeof call.function?.arguments === "string") text += call.function.arguments;
  }
  return text;
}

/** A chunk that may carry usage or an error (`"usage": {…}`, `"error"` as a key: inside a string they are escaped). */
const NOTEWORTHY = /"usage"\s*:\s*\{|"error"/;
/**
 * A chunk with text: a non-empty string under one of the keys chunkText reads. (Raw JSON holds `"key":"` only where
 * that key is a key: a quote inside a string is escaped.)
 */
const HAS_TEXT = /"(?:content|reasoning|reasoning_content|arguments)"\s*:\s*"(?!")/;
/** NOTEWORTHY, or the end of the stream. */
const NOTABLE = new RegExp(`${NOTEWORTHY.source}|data: \\[DONE\\]`, "g");

/** The text a chunk generated (0 when it is not a chunk). */
function textOfChunk(data: string): string {
  try {
    return chunkText(JSON.parse(data) as Parameters<typeof chunkText>[0]);
  } catch {
    return "";
  }
}

/** What the relay reads of an OpenAI chat-completions stream: usage, errors, text (deferred for plain chunks). */
export function openAIChatObserver(clientWantsUsage: boolean): StreamObserver {
  let usage: Record<string, unknown> | undefined;
  return {
    closing: "data: [DONE]\n\n",
    textOf: textOfChunk,
    hasText: (data) => HAS_TEXT.test(data),
    notableAt(events, from) {
      NOTABLE.lastIndex = from;
      return NOTABLE.exec(events)?.index ?? -1;
    },
    see(data) {
      if (data === "[DONE]") return { done: true };
      // An ordinary content chunk: its text is read only if the relay needs it.
      if (!NOTEWORTHY.test(data)) return { deferred: true };
      let chunk: Record<string, unknown>;
      try {
        chunk = JSON.parse(data) as Record<string, unknown>;
      } catch {
        return {};
      }
      if (chunk.error) return { error: JSON.stringify(chunk.error).slice(0, 500) };
      const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
      if (chunk.usage && typeof chunk.usage === "object") {
        usage = chunk.usage as Record<string, unknown>;
        // The usage-only chunk we asked for on the client's behalf.
        if (choices.length === 0 && !clientWantsUsage) return { drop: true };
      }
      return { text: chunkText(chunk as Parameters<typeof chunkText>[0]) };
    },
    outcome: () => (usage ? { usage: openAIUsage(usage), wireUsage: usage } : {}),
  };
}

export async function openAIChatCompletions(request: Request): Promise<Response> {
  try {
    const auth = await authenticateGateway(request);
    const body = await readGatewayBody(request, bodySchema);
    const { resolved, call } = await startGatewayCall(auth, request, body.model);
    const asked = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    const promptTokens = estimatePromptTokens(body.messages as { role: string; content: unknown }[]);
    if (!(PASS_THROUGH as readonly string[]).includes(resolved.provider)) {
      // Anthropic and Gemini: translated. The first step's reservation is taken now, so a refusal is a 429, not a
      // stream that fails.
      await call.reserveAhead({ promptTokens, maxOutputTokens: asked ?? defaultCap() });
      return await translatedChatCompletion({ request, body, resolved, call, maxOutputTokens: asked ?? defaultCap() });
    }
    if (!resolved.upstream) throw new AppError("unknown_model", "That model cannot be called through the gateway.");
    const step = await call.startStep({ promptTokens, maxOutputTokens: asked ?? defaultCap() });
    const capField = body.max_tokens != null || resolved.provider !== "openai" ? "max_tokens" : "max_completion_tokens";
    const clamped = step.reservation && step.maxOutputTokens < (asked ?? Number.MAX_SAFE_INTEGER);
    const clientWantsUsage = body.stream_options?.include_usage === true;
    // Built with Object.assign rather than a literal of spreads, which cost several µs per request on this Node.
    const upstreamBody: Record<string, unknown> = Object.assign({}, body, { model: resolved.modelId });
    if (clamped) upstreamBody[capField] = step.maxOutputTokens;
    if (body.stream) upstreamBody.stream_options = Object.assign({}, body.stream_options, { include_usage: true });
    if (resolved.provider === "openrouter") upstreamBody.usage = Object.assign({}, body.usage as object | undefined, { include: true });

    const forwarded = await forward({
      call,
      step,
      signal: request.signal,
      url: `${resolved.upstream.baseUrl}/chat/completions`,
      headers: { "content-type": "application/json", accept: body.stream ? "text/event-stream" : "application/json", ...(resolved.upstream.apiKey ? { authorization: `Bearer ${resolved.upstream.apiKey}` } : {}) },
      body: upstreamBody,
      apiKey: resolved.upstream.apiKey,
    });
    if (forwarded.kind === "refused") return forwarded.response;
    if (body.stream && forwarded.contentType.includes("text/event-stream")) {
      return relayEvents({ upstream: forwarded.upstream, call, step, observer: openAIChatObserver(clientWantsUsage), clientSignal: request.signal, headers: { "content-type": forwarded.contentType, "cache-control": "no-cache, no-transform" } });
    }
    return await answered(call, step, forwarded, (json) => {
      const answer = json as { usage?: Record<string, unknown>; choices?: { message?: { content?: unknown } }[] };
      const content = answer.choices?.map((c) => (typeof c.message?.content === "string" ? c.message.content : "")).join("") ?? "";
      return answer.usage ? { usage: openAIUsage(answer.usage), wireUsage: answer.usage, partialText: content } : { partialText: content };
    });
  } catch (error) {
    return gatewayError("openai", error, request);
  }
}
