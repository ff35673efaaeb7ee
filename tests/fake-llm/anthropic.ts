import type { ServerResponse } from "node:http";
import { bearer, headerValue, sendJson, startSse, streamReply, type FakeProvider, type FakeRequest } from "./http";
import { fakeId, parseScript, resolveUsage, type TokenUsage } from "./script";

/**
 * Anthropic's Messages API at `${url}/anthropic/v1`:
 *   POST /messages        a `message` object, or (stream: true) the SSE events message_start, content_block_start,
 *                         ping, content_block_delta (text_delta)…, content_block_stop, message_delta, message_stop
 *   GET  /models          Anthropic's paginated list ({ data, has_more, first_id, last_id }; `limit`, `after_id`)
 *   GET  /models/{id}     one model
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
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: u.output,
    ...(u.reasoning ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
    service_tier: "standard",
  };
}

function blocksText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block: { type?: unknown; text?: unknown }) => (block?.type === "text" && typeof block.text === "string" ? block.text : "")).join("");
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
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const script = parseScript(blocksText(lastUser?.content));
  if (script.status && script.status >= 400) {
    const message = script.status === 529 ? "Overloaded" : script.status === 429 ? "Number of request tokens has exceeded your per-minute rate limit (fake)." : `Fake upstream error ${script.status}.`;
    return anthropicError(res, script.status, message);
  }
  const model = body.model;
  const promptText = [blocksText(body.system), ...messages.map((m) => blocksText(m.content))].join("\n");
  const usage = anthropicUsage(resolveUsage(script, promptText, script.reply));
  const id = `msg_${fakeId()}`;

  if (body.stream !== true) {
    sendJson(res, 200, {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: script.reply }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage,
    });
    return;
  }

  const sse = startSse(res);
  const event = (type: string, payload: object) => sse.data({ type, ...payload }, type);
  const { output_tokens: outputTokens, output_tokens_details: outputDetails, ...inputUsage } = usage;
  event("message_start", {
    message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...inputUsage, output_tokens: 1 } },
  });
  event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
  event("ping", {});
  const sent = await streamReply(sse, script, (piece) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }));
  if (!sent) return;
  event("content_block_stop", { index: 0 });
  event("message_delta", {
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: outputTokens,
      ...(outputDetails ? { output_tokens_details: outputDetails } : {}),
    },
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
