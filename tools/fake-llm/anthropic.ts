import type { ServerResponse } from "node:http";
import { bearer, declaredToolNames, headerValue, sendJson, startSse, streamPieces, streamReply, type FakeProvider, type FakeRequest } from "./http";
import { capOutput, chunkArguments, countResultRounds, dueToolCalls, fakeId, parseScript, resolveUsage, toolCallsText, withRawUsage, type TokenUsage } from "./script";

/**
 * Anthropic's Messages API at `${url}/anthropic/v1`:
 *   POST /messages        a `message` object, or (stream: true) the SSE events message_start, content_block_start,
 *                         ping, content_block_delta (text_delta)…, content_block_stop, message_delta, message_stop
 *   GET  /models          Anthropic's paginated list ({ data, has_more, first_id, last_id }; `limit`, `after_id`)
 *   GET  /models/{id}     one model
 * `[[tool:…]]` directives are answered with `tool_use` blocks and `stop_reason: "tool_use"` (streamed as
 * content_block_start with an empty `input`, then input_json_delta pieces); tool results come back as `tool_result`
 * blocks in a user message (`content`: a string or text blocks).
 * The key comes in `x-api-key` (or `Authorization: Bearer`, as with the SDK's `authToken`); `anthropic-version` is
 * required, as the real API requires it. Errors: { type: "error", error: { type, message }, request_id }.
 */

export const ANTHROPIC_MODELS = [
  { id: "claude-haiku-4-5-20251001", display_name: "Claude Haiku 4.5", created_at: "2025-10-15T00:00:00Z" },
  { id: "claude-sonnet-4-5-20250929", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" },
  { id: "claude-opus-4-1-20250805", display_name: "Claude Opus 4.1", created_at: "2025-08-05T00:00:00Z" },
  { id: "claude-sonnet-4-20250514", display_name: "Claude Sonnet 4", created_at: "2025-05-22T00:00:00Z" },
  { id: "claude-3-5-haiku-20241022", display_name: "Claude Haiku 3.5", created_at: "2024-10-22T00:00:00Z" },
];

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function anthropicError(res: ServerResponse, status: number, message: string): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  const requestId = `req_${fakeId()}`;
  sendJson(res, status, { type: "error", error: { type, message }, request_id: requestId }, { "request-id": requestId });
}

/**
 * Anthropic's usage: `input_tokens` counts only the uncached input; cache reads and writes are reported beside it.
 * `output_tokens_details.thinking_tokens` (the field @ai-sdk/anthropic reads for reasoning) only appears when
 * reasoning tokens were scripted.
 */
export function anthropicUsage(u: TokenUsage) {
  return {
    input_tokens: u.input - u.cacheRead - u.cacheWrite,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h, ephemeral_1h_input_tokens: u.cacheWrite1h },
    output_tokens: u.output,
    ...(u.webSearch || u.webFetch ? { server_tool_use: { web_search_requests: u.webSearch, web_fetch_requests: u.webFetch } } : {}),
    ...(u.reasoning ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
    service_tier: "standard",
  };
}

type Block = { type?: unknown; text?: unknown; content?: unknown };

function blocksText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block: Block) => (block?.type === "text" && typeof block.text === "string" ? block.text : "")).join("");
}

function toolResultBlocks(content: unknown): Block[] {
  return Array.isArray(content) ? content.filter((block: Block) => block?.type === "tool_result") : [];
}

/** A user message that only carries tool results is not a prompt. */
function isPrompt(m: { role?: unknown; content?: unknown }): boolean {
  return m.role === "user" && !(Array.isArray(m.content) && m.content.length > 0 && toolResultBlocks(m.content).length === m.content.length);
}

interface MessagesBody {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  system?: unknown;
  stream?: unknown;
}

async function handleMessages(req: FakeRequest, res: ServerResponse): Promise<void> {
  const body = req.json as MessagesBody | undefined;
  if (!body || typeof body !== "object") return anthropicError(res, 400, "messages: Field required");
  if (typeof body.model !== "string") return anthropicError(res, 400, "model: Field required");
  if (typeof body.max_tokens !== "number") return anthropicError(res, 400, "max_tokens: Field required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) return anthropicError(res, 400, "messages: at least one message is required");
  const messages = (body.messages as unknown[]).filter((m): m is { role?: unknown; content?: unknown } => Boolean(m) && typeof m === "object");
  const promptIndex = messages.findLastIndex(isPrompt);
  const sincePrompt = messages.slice(Math.max(promptIndex, 0));
  const toolResults = sincePrompt.flatMap((m) => toolResultBlocks(m.content).map((block) => blocksText(block.content)));
  const script = capOutput(parseScript(blocksText(messages[promptIndex]?.content), toolResults), body.max_tokens);
  if (script.status && script.status >= 400) {
    const message = script.status === 529 ? "Overloaded" : script.status === 429 ? "Number of request tokens has exceeded your per-minute rate limit (fake)." : `Fake upstream error ${script.status}.`;
    return anthropicError(res, script.status, message);
  }
  const calls = dueToolCalls(script, countResultRounds(sincePrompt.map((m) => toolResultBlocks(m.content).length > 0)), declaredToolNames(body)).map((call) => ({
    ...call,
    id: `toolu_${fakeId()}`,
  }));
  const model = body.model;
  const promptText = [
    blocksText(body.system),
    ...messages.map((m) => [blocksText(m.content), ...toolResultBlocks(m.content).map((block) => blocksText(block.content))].join("\n")),
  ].join("\n");
  const usage = withRawUsage(anthropicUsage(resolveUsage(script, promptText, calls.length > 0 ? toolCallsText(calls) : script.reply)), script);
  const stopReason = calls.length > 0 ? "tool_use" : "end_turn";
  const id = `msg_${fakeId()}`;

  if (body.stream !== true) {
    sendJson(res, 200, {
      id,
      type: "message",
      role: "assistant",
      model,
      content:
        calls.length > 0
          ? calls.map((call) => ({ type: "tool_use", id: call.id, name: call.name, input: call.input ?? call.arguments }))
          : [{ type: "text", text: script.reply }],
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
    return;
  }

  const sse = startSse(res);
  const event = (type: string, payload: object) => sse.data({ type, ...payload }, type);
  // message_start carries the input side; message_delta the final counts, server tool use included (as Anthropic sends them).
  const { output_tokens: outputTokens, output_tokens_details: outputDetails, server_tool_use: serverToolUse, ...inputUsage } = usage;
  event("message_start", {
    message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...inputUsage, output_tokens: 1 } },
  });
  let sent: boolean;
  if (calls.length > 0) {
    // One content block per call: opened with an empty input, filled by input_json_delta pieces, then closed.
    const pieces = calls.flatMap((call, index) =>
      chunkArguments(call.arguments).map((partial, n, all) => ({ call, index, partial, first: n === 0, last: n === all.length - 1 })),
    );
    sent = await streamPieces(sse, script, pieces, ({ call, index, partial, first, last }) => {
      if (first) {
        event("content_block_start", { index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } });
        if (index === 0) event("ping", {});
      }
      event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: partial } });
      if (last) event("content_block_stop", { index });
    });
  } else {
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    event("ping", {});
    sent = await streamReply(sse, script, (piece) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }));
    if (sent) event("content_block_stop", { index: 0 });
  }
  if (!sent) return;
  event("message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: withRawUsage(
      {
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: outputTokens,
        ...(outputDetails ? { output_tokens_details: outputDetails } : {}),
        ...(serverToolUse ? { server_tool_use: serverToolUse } : {}),
      },
      script,
    ),
  });
  event("message_stop", {});
  sse.end();
}

function listModels(req: FakeRequest, res: ServerResponse): void {
  const limit = Math.min(1000, Math.max(1, Number(req.query.get("limit") ?? 20) || 20));
  const afterId = req.query.get("after_id");
  const start = afterId ? ANTHROPIC_MODELS.findIndex((m) => m.id === afterId) + 1 : 0;
  const page = ANTHROPIC_MODELS.slice(start, start + limit).map((m) => ({ type: "model", ...m }));
  sendJson(res, 200, {
    data: page,
    has_more: start + limit < ANTHROPIC_MODELS.length,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  });
}

async function handleAnthropic(req: FakeRequest, res: ServerResponse): Promise<void> {
  if (!headerValue(req.headers, "anthropic-version")) {
    return anthropicError(res, 400, "anthropic-version: header is required");
  }
  if (req.method === "POST" && req.path === "/messages") return handleMessages(req, res);
  if (req.method === "GET" && req.path === "/models") return listModels(req, res);
  const single = req.method === "GET" ? req.path.match(/^\/models\/([^/]+)$/) : null;
  if (single) {
    const model = ANTHROPIC_MODELS.find((m) => m.id === decodeURIComponent(single[1]!));
    if (model) return sendJson(res, 200, { type: "model", ...model });
    return anthropicError(res, 404, `model: ${decodeURIComponent(single[1]!)}`);
  }
  anthropicError(res, 404, "Not Found");
}

export const anthropicProvider: FakeProvider = {
  version: "v1",
  key: (req) => headerValue(req.headers, "x-api-key") ?? bearer(req.headers.authorization),
  unauthorized: (res, key) => anthropicError(res, 401, key ? "invalid x-api-key" : "x-api-key header is required"),
  error: anthropicError,
  handle: handleAnthropic,
};
