import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import type { ServerTool } from "@/lib/pricing/price-book";
import { upstreamFetch } from "@/lib/providers/upstream-fetch";
import { DEFAULT_TOOL_REQUESTS, type StepRequest } from "@/lib/usage/metered-call";
import { estimatePromptTokens, type ProviderUsage } from "@/lib/usage/tokens";
import { authenticateGateway, readGatewayBody, startGatewayCall } from "./caller";
import { gatewayError, scrubbed } from "./errors";
import { answered, AS_SENT, forward } from "./forward";
import { relayEvents, type StreamObserver } from "./relay";

/**
 * `POST /api/anthropic/v1/messages`: Anthropic's Messages API in front of the user's Anthropic key, so that the
 * Anthropic SDK and Claude Code work with `ANTHROPIC_BASE_URL=<app>/api/anthropic`. The request goes on as sent but
 * for the model id and the output cap the budget leaves; the answer comes back byte for byte. Web searches and
 * 1-hour cache writes the request asks for are part of its reservation.
 */

const bodySchema = z.looseObject({
  model: z.string().min(1, "Name a model (e.g. claude-sonnet-4-5).").max(300),
  messages: z.array(z.looseObject({ role: z.string() })).min(1, "Send at least one message."),
  max_tokens: z.number({ error: "max_tokens is required." }).int().positive().max(10_000_000),
  system: z.unknown().optional(),
  stream: z.boolean().optional(),
  tools: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});

const ANTHROPIC_VERSION = "2023-06-01";

/** Anthropic's usage object → the metered call's (its `input_tokens` are the uncached part). */
export function anthropicUsage(usage: Record<string, unknown>): ProviderUsage {
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  return {
    inputTokens: { noCache: num(usage.input_tokens), cacheRead: num(usage.cache_read_input_tokens), cacheWrite: num(usage.cache_creation_input_tokens) },
    outputTokens: { total: num(usage.output_tokens) },
    raw: usage,
  };
}

/** The system prompt and messages as text-bearing messages, for the prompt estimate. */
function promptOf(body: z.output<typeof bodySchema>): { role: string; content: unknown }[] {
  const system = typeof body.system === "string" ? [{ role: "system", content: body.system }] : Array.isArray(body.system) ? [{ role: "system", content: body.system }] : [];
  return [...system, ...(body.messages as { role: string; content: unknown }[])];
}

/** Per-request tools and cache writes the request may be billed for. */
function billedExtras(body: z.output<typeof bodySchema>): Pick<StepRequest, "serverTools" | "cacheWrite"> {
  const serverTools: Partial<Record<ServerTool, number>> = {};
  for (const tool of body.tools ?? []) {
    const kind = tool.type?.startsWith("web_search") ? "web_search" : tool.type?.startsWith("web_fetch") ? "web_fetch" : null;
    if (!kind) continue;
    const maxUses = Number(tool.max_uses);
    serverTools[kind] = (serverTools[kind] ?? 0) + (Number.isSafeInteger(maxUses) && maxUses > 0 ? maxUses : DEFAULT_TOOL_REQUESTS);
  }
  const text = JSON.stringify([body.system ?? null, body.messages]);
  const cacheWrite = /"cache_control"\s*:\s*\{[^}]*"ttl"\s*:\s*"1h"/.test(text) ? "1h" : text.includes('"cache_control"') ? "5m" : undefined;
  return { ...(Object.keys(serverTools).length > 0 ? { serverTools } : {}), ...(cacheWrite ? { cacheWrite } : {}) };
}

function observer(): StreamObserver {
  let usage: Record<string, unknown> | undefined;
  /** message_delta carries the final output count; before it only the input is known. */
  let final = false;
  return {
    see(data, event) {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(data) as Record<string, unknown>;
      } catch {
        return {};
      }
      const type = (message.type as string | undefined) ?? event;
      if (type === "message_start") {
        const start = (message.message as { usage?: Record<string, unknown> } | undefined)?.usage;
        if (start) usage = { ...start };
      } else if (type === "message_delta" && message.usage) {
        usage = { ...usage, ...(message.usage as Record<string, unknown>) };
        final = true;
      } else if (type === "content_block_delta") {
        const delta = message.delta as { text?: unknown; thinking?: unknown; partial_json?: unknown } | undefined;
        const text = [delta?.text, delta?.thinking, delta?.partial_json].filter((v): v is string => typeof v === "string").join("");
        return { text };
      } else if (type === "message_stop") {
        return { done: true };
      } else if (type === "error") {
        return { error: JSON.stringify(message.error ?? message).slice(0, 500) };
      }
      return {};
    },
    outcome: () => {
      if (!usage) return {};
      // Until message_delta arrives the input is all the provider reported: keep it, estimate the rest.
      if (!final) {
        const partial = anthropicUsage(usage).inputTokens;
        return { partial: { inputNoCache: partial.noCache ?? 0, cacheRead: partial.cacheRead ?? 0, cacheWrite: partial.cacheWrite ?? 0 } };
      }
      return { usage: anthropicUsage(usage) };
    },
  };
}

function upstreamHeaders(request: Request, apiKey: string | undefined, stream: boolean): Record<string, string> {
  const beta = request.headers.get("anthropic-beta");
  return {
    "content-type": "application/json",
    accept: stream ? "text/event-stream" : "application/json",
    "anthropic-version": request.headers.get("anthropic-version") ?? ANTHROPIC_VERSION,
    ...(beta ? { "anthropic-beta": beta } : {}),
    ...(apiKey ? { "x-api-key": apiKey } : {}),
  };
}

export async function anthropicMessages(request: Request): Promise<Response> {
  try {
    const auth = await authenticateGateway(request);
    const body = await readGatewayBody(request, bodySchema);
    const { resolved, call } = await startGatewayCall(auth, request, body.model, ["anthropic"]);
    if (!resolved.upstream) throw new AppError("unknown_model", "That model cannot be called through the gateway.");
    const step = await call.startStep({ promptTokens: estimatePromptTokens(promptOf(body)), maxOutputTokens: body.max_tokens, ...billedExtras(body) });
    const upstreamBody = { ...body, model: resolved.modelId, max_tokens: step.maxOutputTokens };

    const forwarded = await forward({
      call,
      step,
      signal: request.signal,
      url: `${resolved.upstream.baseUrl}/messages`,
      headers: upstreamHeaders(request, resolved.upstream.apiKey, body.stream === true),
      body: upstreamBody,
      apiKey: resolved.upstream.apiKey,
    });
    if (forwarded.kind === "refused") return forwarded.response;
    if (body.stream && forwarded.contentType.includes("text/event-stream")) {
      return relayEvents({ upstream: forwarded.upstream, call, step, observer: observer(), clientSignal: request.signal, headers: { "content-type": forwarded.contentType, "cache-control": "no-cache, no-transform" } });
    }
    return await answered(call, step, forwarded, (json) => {
      const answer = json as { usage?: Record<string, unknown>; content?: { text?: unknown }[] };
      const content = answer.content?.map((c) => (typeof c.text === "string" ? c.text : "")).join("") ?? "";
      return { ...(answer.usage ? { usage: anthropicUsage(answer.usage) } : {}), partialText: content };
    });
  } catch (error) {
    return gatewayError("anthropic", error, request);
  }
}

/** `POST /api/anthropic/v1/messages/count_tokens`: Anthropic counts (free, not metered), with the user's key. */
export async function anthropicCountTokens(request: Request): Promise<Response> {
  try {
    const auth = await authenticateGateway(request);
    const json = await readGatewayBody(request, z.looseObject({ model: z.string({ error: "Name a model." }).min(1, "Name a model.").max(300) }));
    const { resolved } = await startGatewayCall(auth, request, json.model, ["anthropic"]);
    if (!resolved.upstream) throw new AppError("unknown_model", "That model cannot be called through the gateway.");
    const upstream = await upstreamFetch(`${resolved.upstream.baseUrl}/messages/count_tokens`, {
      method: "POST",
      headers: upstreamHeaders(request, resolved.upstream.apiKey, false),
      body: JSON.stringify({ ...json, model: resolved.modelId }),
      signal: request.signal,
    });
    const text = scrubbed(await upstream.text(), resolved.upstream.apiKey);
    return new Response(text, { status: upstream.status, headers: { "content-type": upstream.headers.get("content-type") ?? "application/json", ...AS_SENT } });
  } catch (error) {
    return gatewayError("anthropic", error, request);
  }
}
