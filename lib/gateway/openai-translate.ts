import "server-only";
import { randomUUID } from "node:crypto";
import { generateText, jsonSchema, streamText, tool, type ModelMessage, type ToolSet } from "ai";
import { toChatError } from "@/lib/chat/upstream-errors";
import { AppError } from "@/lib/errors";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import type { MeteredCall } from "@/lib/usage/metered-call";
import { runInBackground } from "@/lib/usage/background";
import { meteredModel } from "@/lib/usage/model-middleware";
import { AS_SENT, recordInBackground } from "./forward";

/**
 * Anthropic and Gemini models behind the OpenAI-compatible endpoint: the chat-completions request is translated to the
 * AI SDK (messages, images, tools), run through the metered call's model (the same middleware as chat: reservation per
 * step, clamped output, one event per upstream call), and the answer translated back — a `chat.completion`, or
 * `chat.completion.chunk` events ending with `[DONE]` (with a usage chunk when the client asked for one).
 * Tools are declared to the model without running them: their calls come back as OpenAI `tool_calls`.
 */

type OpenAIPart = { type?: string; text?: string; image_url?: { url?: string } | string };
type OpenAIMessage = {
  role: string;
  content?: string | OpenAIPart[] | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
  name?: string;
};

function textOf(content: OpenAIMessage["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => (part.type === "text" ? (part.text ?? "") : "")).join("");
}

function userParts(content: OpenAIMessage["content"]) {
  if (typeof content === "string" || !content) return content ?? "";
  return content.map((part) => {
    if (part.type === "image_url") {
      const url = typeof part.image_url === "string" ? part.image_url : part.image_url?.url;
      if (!url) throw new AppError("bad_request", "messages: an image_url part needs a url.");
      return { type: "image" as const, image: url.startsWith("data:") ? url : new URL(url) };
    }
    return { type: "text" as const, text: part.text ?? "" };
  });
}

function argumentsOf(text: string): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    throw new AppError("bad_request", "messages: a tool call's arguments must be JSON.");
  }
}

/** OpenAI chat messages → the AI SDK's: the system prompt apart, tool results named by their call. */
export function toModelMessages(messages: OpenAIMessage[]): { system?: string; messages: ModelMessage[] } {
  const system: string[] = [];
  const out: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    if (message.role === "system" || message.role === "developer") system.push(textOf(message.content));
    else if (message.role === "user") out.push({ role: "user", content: userParts(message.content) });
    else if (message.role === "assistant") {
      const text = textOf(message.content);
      const calls = (message.tool_calls ?? []).map((call) => {
        toolNames.set(call.id, call.function.name);
        return { type: "tool-call" as const, toolCallId: call.id, toolName: call.function.name, input: argumentsOf(call.function.arguments) };
      });
      out.push({ role: "assistant", content: [...(text ? [{ type: "text" as const, text }] : []), ...calls] });
    } else if (message.role === "tool") {
      const id = message.tool_call_id ?? "";
      out.push({ role: "tool", content: [{ type: "tool-result", toolCallId: id, toolName: toolNames.get(id) ?? message.name ?? "tool", output: { type: "text", value: textOf(message.content) } }] });
    } else throw new AppError("bad_request", `messages: unknown role “${message.role.slice(0, 40)}”.`);
  }
  return { ...(system.length > 0 ? { system: system.join("\n\n") } : {}), messages: out };
}

function toolsOf(tools: unknown): ToolSet | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const set: ToolSet = {};
  for (const entry of tools as { type?: string; function?: { name?: string; description?: string; parameters?: unknown } }[]) {
    if (entry.type !== "function" || !entry.function?.name) throw new AppError("bad_request", "tools: only function tools can be translated for this model.");
    set[entry.function.name] = tool({ description: entry.function.description, inputSchema: jsonSchema((entry.function.parameters ?? { type: "object", properties: {} }) as never) });
  }
  return set;
}

const FINISH: Record<string, string> = { stop: "stop", length: "length", "tool-calls": "tool_calls", "content-filter": "content_filter" };

function usageOf(call: MeteredCall) {
  const t = call.totals();
  return { prompt_tokens: t.inputTokens, completion_tokens: t.outputTokens, total_tokens: t.inputTokens + t.outputTokens, prompt_tokens_details: { cached_tokens: t.cacheReadTokens }, completion_tokens_details: { reasoning_tokens: t.reasoningTokens } };
}

export async function translatedChatCompletion(options: {
  request: Request;
  body: { model: string; messages: unknown[]; stream?: boolean; stream_options?: { include_usage?: boolean } | null; tools?: unknown; temperature?: unknown; top_p?: unknown; stop?: unknown };
  resolved: ResolvedModel;
  call: MeteredCall;
  maxOutputTokens: number;
}): Promise<Response> {
  const { request, body, resolved, call } = options;
  const { system, messages } = toModelMessages(body.messages as OpenAIMessage[]);
  const settings = {
    model: meteredModel(call),
    system,
    messages,
    tools: toolsOf(body.tools),
    maxOutputTokens: options.maxOutputTokens,
    ...(typeof body.temperature === "number" ? { temperature: body.temperature } : {}),
    ...(typeof body.top_p === "number" ? { topP: body.top_p } : {}),
    ...(Array.isArray(body.stop) || typeof body.stop === "string" ? { stopSequences: ([] as string[]).concat(body.stop as string[]) } : {}),
    abortSignal: request.signal,
    maxRetries: 0,
  };
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = `${resolved.provider}:${resolved.modelId}`;
  if (!body.stream) {
    const result = await generateText(settings)
      .catch((error: unknown) => {
        // The provider's failure in our terms (502 rejected key or failing provider, 503 rate-limited), never a 500.
        throw error instanceof AppError ? error : toChatError(error, resolved.provider, resolved.keySource, resolved.endpointName);
      })
      .finally(() => recordInBackground(call));
    const toolCalls = result.toolCalls.map((c) => ({ id: c.toolCallId, type: "function", function: { name: c.toolName, arguments: JSON.stringify(c.input) } }));
    await call.idle();
    return Response.json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: result.text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }, finish_reason: FINISH[result.finishReason] ?? "stop" }],
      usage: usageOf(call),
    }, { headers: AS_SENT });
  }
  const result = streamText({ ...settings, onError: () => {} });
  runInBackground(`gateway ${call.requestId}`, async () => {
    await result.consumeStream({ onError: () => {} });
    await call.record({ background: true });
  });
  const encoder = new TextEncoder();
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    encoder.encode(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(chunk({ role: "assistant", content: "" }));
      let calls = 0;
      try {
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") controller.enqueue(chunk({ content: part.text }));
          else if (part.type === "tool-call") {
            controller.enqueue(chunk({ tool_calls: [{ index: calls++, id: part.toolCallId, type: "function", function: { name: part.toolName, arguments: JSON.stringify(part.input) } }] }));
          } else if (part.type === "finish") controller.enqueue(chunk({}, FINISH[part.finishReason] ?? "stop"));
          else if (part.type === "error") {
            const failure = toChatError(part.error, resolved.provider, resolved.keySource, resolved.endpointName);
            controller.enqueue(encoder.encode(`data: ${JSON.stringify({ error: { message: failure.message, type: "server_error", code: failure.code } })}\n\n`));
          }
        }
        await call.idle();
        if (body.stream_options?.include_usage) {
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(call) })}\n\n`));
        }
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: () => undefined,
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" } });
}
