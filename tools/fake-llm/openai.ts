import type { ServerResponse } from "node:http";
import { bearer, declaredToolNames, redactKey, sendJson, startSse, streamPieces, streamReply, type FakeProvider, type FakeRequest } from "./http";
import { handleOpenAIResponses } from "./openai-responses";
import {
  chunkArguments,
  countResultRounds,
  dueToolCalls,
  fakeTokenCount,
  fakeId,
  capOutput,
  parseScript,
  resolveUsage,
  withRawUsage,
  toolCallsText,
  type Script,
  type TokenUsage,
} from "./script";

/**
 * OpenAI's wire format at `${url}/openai/v1`: chat completions (streaming and not), the Responses API (in
 * openai-responses.ts) and the model list. The chat-completions engine here is shared with OpenRouter and the
 * OpenAI-compatible (Ollama-like) endpoint, which differ only in usage fields, ids and error bodies.
 */

export const OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini"];

type ContentPart = { type?: string; text?: string };

/** The text of a chat message's `content`: a string, or the text parts of an array. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part: ContentPart) => (part && typeof part.text === "string" ? part.text : "")).join("");
  }
  return "";
}

export function openAIError(res: ServerResponse, status: number, message: string, type?: string, code?: string | null) {
  const defaultType = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  const defaultCode = status === 401 ? "invalid_api_key" : status === 429 ? "rate_limit_exceeded" : status === 404 ? "unknown_url" : null;
  sendJson(res, status, { error: { message, type: type ?? defaultType, param: null, code: code === undefined ? defaultCode : code } });
}

/** OpenAI's chat-completions usage object. `cache_write_tokens` only appears when a cache write was scripted. */
export function openAIChatUsage(u: TokenUsage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: u.audioIn, ...(u.cacheWrite ? { cache_write_tokens: u.cacheWrite } : {}) },
    completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: u.audioOut, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** What makes one chat-completions speaker (OpenAI, OpenRouter, an Ollama-like server) different from another. */
export interface ChatFlavour {
  /** Prefix of response ids: "chatcmpl-" for OpenAI, "gen-" for OpenRouter. */
  idPrefix: string;
  error(res: ServerResponse, status: number, message: string): void;
  usage(u: TokenUsage, script: Script): Record<string, unknown>;
  /** Send the usage chunk at the end of a stream even when `stream_options.include_usage` was not asked (OpenRouter). */
  alwaysStreamUsage?: boolean;
  /** Extra top-level fields on every completion and chunk (OpenRouter's `provider`). */
  extra?: (model: string) => Record<string, unknown>;
  /** An SSE comment sent before the first chunk, as OpenRouter's ": OPENROUTER PROCESSING" keep-alive. */
  keepAlive?: string;
  systemFingerprint: string | null;
  /** Where reasoning text (`[[think:…]]`) goes in a message or delta; none: the flavour shows no reasoning (OpenAI). */
  reasoningField?: "reasoning_content" | "reasoning";
}

export const OPENAI_FLAVOUR: ChatFlavour = {
  idPrefix: "chatcmpl-",
  error: (res, status, message) => openAIError(res, status, message),
  usage: (u) => openAIChatUsage(u),
  extra: () => ({ service_tier: "default" }),
  systemFingerprint: "fp_fake",
};

interface ChatBody {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

type ChatMessage = { role?: unknown; content?: unknown };

/**
 * POST /chat/completions: one assistant message, whole or streamed as `chat.completion.chunk`s, then `[DONE]`. With
 * `[[tool:…]]` directives and fewer tool results than `tool-rounds` since the last user message, the message is
 * `tool_calls` instead (finish reason `tool_calls`), streamed as OpenAI streams them: per call, a first delta with
 * its index, id, type and name (arguments ""), then deltas carrying pieces of the arguments.
 */
export async function handleChatCompletions(req: FakeRequest, res: ServerResponse, flavour: ChatFlavour): Promise<void> {
  const body = req.json as ChatBody | undefined;
  if (!body || typeof body !== "object" || typeof body.model !== "string" || !Array.isArray(body.messages) || body.messages.length === 0) {
    flavour.error(res, 400, "The request needs a model and at least one message.");
    return;
  }
  const model = body.model;
  const messages = (body.messages as unknown[]).filter((m): m is ChatMessage => Boolean(m) && typeof m === "object");
  const promptIndex = messages.findLastIndex((m) => m.role === "user");
  const sincePrompt = messages.slice(promptIndex + 1);
  const toolResults = sincePrompt.filter((m) => m.role === "tool").map((m) => contentText(m.content));
  const script = capOutput(parseScript(contentText(messages[promptIndex]?.content), toolResults), (body as Record<string, unknown>).max_completion_tokens ?? (body as Record<string, unknown>).max_tokens);
  if (script.status && script.status >= 400) {
    flavour.error(res, script.status, `Fake upstream error ${script.status}.`);
    return;
  }
  const calls = dueToolCalls(script, countResultRounds(sincePrompt.map((m) => m.role === "tool")), declaredToolNames(body)).map((call) => ({
    ...call,
    id: `call_${fakeId()}`,
  }));
  const id = `${flavour.idPrefix}${fakeId()}`;
  const created = Math.floor(Date.now() / 1000);
  const output = calls.length > 0 ? toolCallsText(calls) : script.reply;
  const usage = withRawUsage(flavour.usage(resolveUsage(script, messages.map((m) => contentText(m.content)).join("\n"), output), script), script);
  const common = { id, created, model, ...flavour.extra?.(model), system_fingerprint: flavour.systemFingerprint };
  const finishReason = calls.length > 0 ? "tool_calls" : "stop";
  const thinking = flavour.reasoningField && calls.length === 0 ? script.think : undefined;

  if (body.stream !== true) {
    const message =
      calls.length > 0
        ? {
            role: "assistant",
            content: null,
            tool_calls: calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })),
            refusal: null,
          }
        : { role: "assistant", content: script.reply, refusal: null, ...(thinking ? { [flavour.reasoningField!]: thinking } : {}) };
    sendJson(res, 200, {
      ...common,
      object: "chat.completion",
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage,
    });
    return;
  }

  const includeUsage = flavour.alwaysStreamUsage === true || body.stream_options?.include_usage === true;
  const sse = startSse(res);
  if (flavour.keepAlive) sse.comment(flavour.keepAlive);
  const chunk = (delta: object, finishReason: string | null) => ({
    ...common,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  if (calls.length > 0) {
    sse.data(chunk({ role: "assistant", content: null, refusal: null }, null));
    const pieces = calls.flatMap((call, index) => [
      { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
      ...chunkArguments(call.arguments).map((piece) => ({ index, function: { arguments: piece } })),
    ]);
    if (!(await streamPieces(sse, script, pieces, (toolCall) => sse.data(chunk({ tool_calls: [toolCall] }, null))))) return;
  } else {
    sse.data(chunk({ role: "assistant", content: "", refusal: null }, null));
    if (thinking && !(await streamReply(sse, { ...script, reply: thinking, cutAfter: undefined }, (piece) => sse.data(chunk({ [flavour.reasoningField!]: piece }, null))))) return;
    if (!(await streamReply(sse, script, (piece) => sse.data(chunk({ content: piece }, null))))) return;
  }
  sse.data(chunk({}, finishReason));
  if (includeUsage) sse.data({ ...common, object: "chat.completion.chunk", choices: [], usage });
  sse.raw("data: [DONE]\n\n");
  sse.end();
}

/** GET /models in OpenAI's list shape. */
export function sendModelList(res: ServerResponse, ids: string[], ownedBy: string): void {
  sendJson(res, 200, { object: "list", data: ids.map((id) => ({ id, object: "model", created: 1_715_367_049, owned_by: ownedBy })) });
}

/**
 * POST /embeddings: one vector per input (a string or an array of strings; token arrays count one token each), 8
 * dimensions (or `dimensions`), `encoding_format` float or base64, and usage `{prompt_tokens, total_tokens}` (the
 * fake token count of the inputs, or a scripted `[[usage:prompt=N]]` in the first input).
 */
function handleEmbeddings(req: FakeRequest, res: ServerResponse): void {
  const body = (req.json ?? {}) as { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown };
  const inputs: unknown[] = Array.isArray(body.input) && body.input.length > 0 && typeof body.input[0] !== "number" ? body.input : [body.input];
  if (typeof body.model !== "string" || inputs.some((i) => typeof i !== "string" && !Array.isArray(i))) {
    return openAIError(res, 400, "'input' and 'model' are required: input is a string or an array of strings or token arrays.");
  }
  const dimensions = typeof body.dimensions === "number" && body.dimensions > 0 ? Math.min(body.dimensions, 64) : 8;
  const texts = inputs.map((i) => (typeof i === "string" ? i : ""));
  const scripted = parseScript(texts[0] ?? "").usage?.prompt;
  const tokens = scripted ?? inputs.reduce<number>((sum, i) => sum + (typeof i === "string" ? fakeTokenCount(i) : (i as unknown[]).length), 0);
  const vector = (text: string, index: number) => Array.from({ length: dimensions }, (_, d) => Math.round(Math.sin(text.length + index + d) * 1e6) / 1e6);
  const data = texts.map((text, index) => {
    const values = vector(text, index);
    const embedding = body.encoding_format === "base64" ? Buffer.from(new Float32Array(values).buffer).toString("base64") : values;
    return { object: "embedding", index, embedding };
  });
  sendJson(res, 200, { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

export async function handleOpenAI(req: FakeRequest, res: ServerResponse): Promise<void> {
  const route = `${req.method} ${req.path}`;
  if (route === "GET /models") return sendModelList(res, OPENAI_MODELS, "system");
  if (route === "POST /embeddings") return handleEmbeddings(req, res);
  if (route === "POST /chat/completions") return handleChatCompletions(req, res, OPENAI_FLAVOUR);
  if (route === "POST /responses") return handleOpenAIResponses(req, res);
  openAIError(res, 404, `Invalid URL (${req.method} /v1${req.path})`);
}

export const openaiProvider: FakeProvider = {
  version: "v1",
  key: (req) => bearer(req.headers.authorization),
  unauthorized: (res, key) =>
    key
      ? openAIError(res, 401, `Incorrect API key provided: ${redactKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`)
      : openAIError(
          res,
          401,
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          "invalid_request_error",
          null,
        ),
  error: (res, status, message) => openAIError(res, status, message),
  handle: handleOpenAI,
};
