import "server-only";
import { APICallError, type UIMessage } from "ai";
import type { Message } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { forward } from "@/lib/gateway/forward";
import { resumedStream } from "@/lib/http/resumed-stream";
import { openAIUsage } from "@/lib/gateway/openai-chat";
import { relayEvents, type EventRewrite, type StreamObserver } from "@/lib/gateway/relay";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import type { MeteredCall, StepOutcome } from "@/lib/usage/metered-call";
import { toChatError } from "./upstream-errors";

/**
 * The chat's fast path: a turn on an OpenAI-style chat-completions API (OpenAI, OpenRouter, an OpenAI-compatible
 * endpoint) without tools and with a text-only history is sent by the gateway's forwarder and relay
 * (lib/gateway/forward.ts, relay.ts) instead of the AI SDK's `streamText` → `toUIMessageStream` pipeline. The relay
 * rewrites the provider's chunks into the same UI message stream the SDK writes (start, text and reasoning parts,
 * finish with the answer's metadata), meters the step the gateway's way (usage from the provider's own chunk, output
 * cut at the reservation's cap, an aborted or broken stream estimated) and keeps the SDK path's behaviour where the
 * two could differ: one retry of a failed request after 2 s (429, 408, 409, 5xx, unreachable), errors worded by
 * toChatError, and the answer's parts as the SDK stores them. `CHAT_RELAY=off` sends every turn through the SDK.
 */

const RELAYED = new Set(["openai", "openrouter", "openai-compatible"]);

/** What the SDK's retry waits before its one retry (AI SDK: 2 s, or the provider's retry-after). */
const RETRY_DELAY_MS = 2_000;

export function relayable(resolved: ResolvedModel, history: Pick<Message, "parts">[], hasTools: boolean): boolean {
  if (process.env.CHAT_RELAY === "off" || hasTools || !RELAYED.has(resolved.provider) || !resolved.upstream) return false;
  return history.every((m) => Array.isArray(m.parts) && m.parts.every((p) => (p as { type?: unknown }).type === "text"));
}

type Part = { type: string; text?: string };
export type RelayMessage = { role: "system" | "user" | "assistant"; content: string | { type: "text"; text: string }[] };

/** The conversation as OpenAI's chat API takes it (as the AI SDK's OpenAI providers write a text-only prompt). */
export function relayMessages(system: string | undefined, history: Pick<Message, "role" | "parts">[]): RelayMessage[] {
  const out: RelayMessage[] = system ? [{ role: "system", content: system }] : [];
  for (const message of history) {
    const texts = (message.parts as Part[]).map((p) => p.text ?? "");
    if (message.role === "assistant") out.push({ role: "assistant", content: texts.join("") });
    else if (message.role === "user") out.push({ role: "user", content: texts.length === 1 ? texts[0]! : texts.map((text) => ({ type: "text" as const, text })) });
  }
  return out;
}

const FINISH_REASONS: Record<string, string> = { stop: "stop", length: "length", content_filter: "content-filter", tool_calls: "tool-calls", function_call: "tool-calls" };

const sse = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;

/** An answer's part as the SDK stores it (a reasoning part keeps its stream id). */
type AnswerPart = { type: "text" | "reasoning"; text: string; state: "streaming" | "done"; id?: string };

export interface RelayEnd {
  parts: UIMessage["parts"];
  isAborted: boolean;
  failure?: AppError;
}

/**
 * The provider's chunks as UI message chunks. Reasoning (`reasoning_content`, OpenRouter's `reasoning`) is shown as the
 * SDK's OpenAI-compatible provider shows it; OpenAI's own chat API sends none.
 */
function chatRewrite(options: {
  provider: ResolvedModel["provider"];
  messageId: string;
  start: object;
  finish: () => object;
  failureOf: (error: unknown) => AppError;
  onEnd: (end: RelayEnd) => void;
}) {
  let usage: Record<string, unknown> | undefined;
  let finishReason = "other";
  let pending: { text: string; reasoning: string } = { text: "", reasoning: "" };
  const parts: AnswerPart[] = [];
  let open: AnswerPart | undefined;
  let started = false;
  /** The error that ended the stream before any content (the route answers it with its own status). */
  let earlyFailure: AppError | undefined;

  const head = () => {
    if (started) return "";
    started = true;
    return sse({ type: "start", messageId: options.messageId, messageMetadata: options.start }) + sse({ type: "start-step" });
  };
  // The part ids the AI SDK's providers give (the OpenAI provider "0", the OpenAI-compatible one "txt-0"); a reasoning
  // part keeps its id when stored.
  const idOf = (part: AnswerPart) => part.id ?? (options.provider === "openai" ? "0" : "txt-0");
  /** The answer so far, as it is stored. */
  const answer = () => parts.map((p) => ({ ...p }));
  const close = () => {
    if (!open) return "";
    open.state = "done";
    const out = sse({ type: `${open.type}-end`, id: idOf(open) });
    open = undefined;
    return out;
  };
  const append = (type: AnswerPart["type"], delta: string) => {
    if (!delta) return "";
    let out = "";
    if (open?.type !== type) {
      out += close();
      open = type === "reasoning" ? { type, id: "reasoning-0", text: "", state: "streaming" } : { type, text: "", state: "streaming" };
      parts.push(open);
      out += sse({ type: `${type}-start`, id: idOf(open) });
    }
    open.text += delta;
    return out + sse({ type: `${type}-delta`, id: idOf(open), delta });
  };

  const observer: StreamObserver = {
    see(data) {
      if (data === "[DONE]") return { done: true };
      let chunk: { error?: unknown; usage?: unknown; choices?: { delta?: Record<string, unknown>; finish_reason?: unknown }[] };
      try {
        chunk = JSON.parse(data) as typeof chunk;
      } catch {
        return { drop: true };
      }
      if (chunk.error) return { error: JSON.stringify(chunk.error).slice(0, 500), drop: true };
      if (chunk.usage && typeof chunk.usage === "object") usage = chunk.usage as Record<string, unknown>;
      const choice = chunk.choices?.[0];
      if (typeof choice?.finish_reason === "string") finishReason = FINISH_REASONS[choice.finish_reason] ?? "other";
      const delta = choice?.delta ?? {};
      const reasoning = options.provider === "openai" ? undefined : (delta.reasoning_content ?? delta.reasoning);
      pending = { text: typeof delta.content === "string" ? delta.content : "", reasoning: typeof reasoning === "string" ? reasoning : "" };
      const text = pending.reasoning + pending.text;
      return text ? { text } : { drop: true };
    },
    outcome: () => (usage ? { usage: openAIUsage(usage), wireUsage: usage } : {}),
  };

  const rewrite: EventRewrite = {
    event() {
      return head() + append("reasoning", pending.reasoning) + append("text", pending.text);
    },
    end(status: StepOutcome["status"], how: Partial<StepOutcome>) {
      if (how.stopReason === "client") {
        options.onEnd({ parts: answer(), isAborted: true });
        return "";
      }
      if (status === "error") {
        const failure = options.failureOf(how.error);
        if (parts.length === 0) earlyFailure = failure;
        options.onEnd({ parts: answer(), isAborted: false, failure });
        return head() + sse({ type: "error", errorText: failure.message }) + "data: [DONE]\n\n";
      }
      // Finished, or cut at the reservation's cap (the metadata says "aborted" then); a client that hung up reads no more.
      const closing = head() + close() + sse({ type: "finish-step" }) + sse({ type: "finish", finishReason, messageMetadata: options.finish() }) + "data: [DONE]\n\n";
      options.onEnd({ parts: answer(), isAborted: false });
      return closing;
    },
  };
  return { observer, rewrite, earlyFailure: () => earlyFailure, answer };
}

/** The provider's refusal as the AI SDK would have thrown it, for toChatError. */
async function refusalError(response: Response, url: string): Promise<APICallError> {
  const body = await response.text();
  return new APICallError({ message: body.slice(0, 300) || response.statusText, url, requestBodyValues: {}, statusCode: response.status, responseBody: body });
}

export type RelayedTurn =
  | { kind: "stream"; stream: ReadableStream<Uint8Array>; first: Uint8Array[] }
  | { kind: "error"; error: AppError };

/**
 * Sends the turn and reads the answer up to its first content (or the error before any). The stream then goes on with
 * the rest; `onEnd` is told how the answer ended, once.
 */
export async function relayTurn(options: {
  call: MeteredCall;
  resolved: ResolvedModel;
  messages: RelayMessage[];
  promptTokens: number;
  maxOutputTokens: number;
  signal: AbortSignal;
  messageId: string;
  start: object;
  finish: () => object;
  onEnd: (end: RelayEnd) => void;
  /** The call's record is made by the caller once the answer ended (with the stored answer). */
  settle: () => void;
}): Promise<RelayedTurn> {
  const { call, resolved, signal } = options;
  const upstream = resolved.upstream!;
  const url = `${upstream.baseUrl}/chat/completions`;
  const failureOf = (error: unknown) => toChatError(error, resolved.provider, resolved.keySource, resolved.endpointName);
  let ended = false;
  const onEnd = (end: RelayEnd) => {
    if (ended) return;
    ended = true;
    options.onEnd(end);
  };

  for (let attempt = 0; ; attempt++) {
    let step: Awaited<ReturnType<MeteredCall["startStep"]>>;
    try {
      step = await call.startStep({ promptTokens: options.promptTokens, maxOutputTokens: options.maxOutputTokens });
    } catch (refusal) {
      // The retry's reservation refused (others spent what was left meanwhile).
      const failure = failureOf(refusal);
      onEnd({ parts: [], isAborted: false, failure });
      return { kind: "error", error: failure };
    }
    const capField = resolved.provider === "openai" ? "max_completion_tokens" : "max_tokens";
    const body = {
      model: resolved.modelId,
      messages: options.messages,
      [capField]: step.maxOutputTokens,
      stream: true,
      stream_options: { include_usage: true },
      ...(resolved.provider === "openrouter" ? { usage: { include: true } } : {}),
    };
    let retryable = false;
    let error: unknown;
    try {
      const forwarded = await forward({
        call,
        step,
        signal,
        url,
        headers: { "content-type": "application/json", accept: "text/event-stream", ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}) },
        body,
        apiKey: upstream.apiKey,
        settle: () => undefined,
      });
      if (forwarded.kind === "refused") {
        error = await refusalError(forwarded.response, url);
        retryable = (error as APICallError).isRetryable;
      } else {
        const translated = chatRewrite({ provider: resolved.provider, messageId: options.messageId, start: options.start, finish: options.finish, failureOf, onEnd });
        const relayed = relayEvents({
          upstream: forwarded.upstream,
          call,
          step,
          observer: translated.observer,
          rewrite: translated.rewrite,
          clientSignal: signal,
          headers: {},
          settle: options.settle,
        });
        const reader = relayed.body!.getReader();
        const first: Uint8Array[] = [];
        const read = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (read.value) first.push(read.value);
        const early = translated.earlyFailure();
        if (early) {
          await reader.cancel().catch(() => undefined);
          return { kind: "error", error: early };
        }
        if (read.done && first.length === 0) {
          // Aborted before anything came (the client left): nothing more to say.
          onEnd({ parts: [], isAborted: true });
          return { kind: "error", error: new AppError("upstream_failed", "The request was cancelled.") };
        }
        const answerSoFar = () => ({ parts: translated.answer(), isAborted: true });
        const stream = resumedStream(first, reader, {
          onError: () => void onEnd(answerSoFar()),
          onCancel: () => onEnd(answerSoFar()),
        });
        return { kind: "stream", stream, first };
      }
    } catch (thrown) {
      // Unreachable (forward recorded the step), or the client left while connecting.
      if (signal.aborted) {
        onEnd({ parts: [], isAborted: true });
        return { kind: "error", error: new AppError("upstream_failed", "The request was cancelled.") };
      }
      error = thrown;
      retryable = true;
    }
    if (!retryable || attempt >= 1 || signal.aborted) {
      const failure = failureOf(error);
      onEnd({ parts: [], isAborted: false, failure });
      return { kind: "error", error: failure };
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  }
}
