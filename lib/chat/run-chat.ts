import "server-only";
import { randomUUID } from "node:crypto";
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
  toUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
} from "ai";
import { getOwnAssistant, getOwnAssistants } from "@/db/queries/assistants";
import {
  conversationExists,
  createConversation,
  deleteMessagesFrom,
  getOwnConversation,
  insertMessage,
  listMessages,
  updateConversation,
} from "@/db/queries/conversations";
import { getProviderKey } from "@/db/queries/provider-keys";
import type { User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { formatModelRef } from "@/lib/providers/model-ref";
import { resolveUserModel } from "@/lib/providers/resolve-model";
import { runInBackground } from "@/lib/usage/background";
import { defaultMaxOutputTokens, meterModel, UsageCollector } from "@/lib/usage/metering";
import { recordUsage } from "@/lib/usage/recorder";
import { MAX_MESSAGE_CHARS, type ChatMessageMetadata, type chatRequestSchema } from "./contract";
import { delegateTools } from "./delegation";
import { generateConversationTitle } from "./title";
import { toChatError } from "./upstream-errors";
import type { z } from "zod";

type ChatBody = z.output<typeof chatRequestSchema>;

/** Steps of an assistant's tool loop (its calls to delegates and its final answer). */
const MAX_TOOL_STEPS = 5;

function textOf(parts: unknown[]): string {
  return parts
    .map((p) => (p && typeof p === "object" && (p as { type?: string }).type === "text" ? String((p as { text?: unknown }).text ?? "") : ""))
    .join("\n");
}

function validateMessage(message: NonNullable<ChatBody["message"]>): void {
  const text = textOf(message.parts);
  const hasOtherParts = message.parts.some((p) => p.type !== "text");
  if (!text.trim() && !hasOtherParts) throw new AppError("validation_failed", "Type a message first.", { details: { fieldErrors: { message: ["Type a message first."] } } });
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new AppError(
      "payload_too_large",
      `Messages are limited to ${MAX_MESSAGE_CHARS.toLocaleString("en-US")} characters; this one has ${text.length.toLocaleString("en-US")}.`,
    );
  }
}

function toUiMessages(rows: Awaited<ReturnType<typeof listMessages>>): UIMessage[] {
  return rows.map((m) => ({ id: m.id, role: m.role, parts: m.parts as UIMessage["parts"], ...(m.metadata ? { metadata: m.metadata } : {}) }));
}

function metadataOf(collector: UsageCollector, base: ChatMessageMetadata, status: ChatMessageMetadata["status"]): ChatMessageMetadata {
  const t = collector.totals();
  // An answer cut off where its budget reservation ended (the provider ignored the output cap) was stopped.
  const stopped = status === "ok" && collector.records.some((r) => r.stopReason === "budget");
  return { ...base, ...t, status: stopped ? "aborted" : status };
}

/** UI chunks that show how the answer started: content, or an error before any content. */
const DECISIVE = new Set(["text-delta", "reasoning-delta", "tool-input-start", "tool-input-available", "finish", "error", "abort"]);

/**
 * One chat turn: checks the conversation, the assistant, the model and its key, stores the user's message, then
 * streams the answer. Every model call is metered (lib/usage/metering.ts): budgets are reserved before each call,
 * and usage is recorded after the response, whether the answer finished, was stopped or failed. An error before the
 * first token (budget, rejected key, failing provider) answers with its own HTTP status and JSON body.
 */
export async function runChatTurn(user: User, body: ChatBody, signal: AbortSignal): Promise<Response> {
  if (body.message) validateMessage(body.message);

  let conversation = await getOwnConversation({ id: body.id, userId: user.id });
  if (!conversation && (body.trigger === "regenerate-message" || (await conversationExists({ id: body.id })))) {
    throw new AppError("conversation_not_found");
  }

  const assistantId = body.assistantId !== undefined ? body.assistantId : (conversation?.assistantId ?? null);
  const assistant = assistantId ? await getOwnAssistant({ id: assistantId, userId: user.id }) : undefined;
  if (assistantId && !assistant) throw new AppError("not_found", "That assistant does not exist.");

  // Resolving the model checks the key: no usable key → api_key_required before anything is stored or called.
  const requested = body.model ?? conversation?.model ?? assistant?.preferredModel ?? null;
  const resolved = await resolveUserModel(user.id, { override: requested, purpose: "chat" });
  const modelRef = formatModelRef({ provider: resolved.provider, modelId: resolved.modelId, endpointId: resolved.endpointId });
  const endpointName = resolved.endpointId ? (await getProviderKey({ userId: user.id, id: resolved.endpointId }))?.name : undefined;

  if (!conversation) {
    conversation = await createConversation({ id: body.id, userId: user.id, model: modelRef, assistantId: assistant?.id ?? null });
    if (!conversation) throw new AppError("conversation_not_found"); // created by someone else in between
  } else {
    conversation = (await updateConversation({ id: conversation.id, userId: user.id, values: { model: modelRef, assistantId: assistant?.id ?? null } })) ?? conversation;
  }

  // The stored history is the truth; the client sends only the new (or edited) message.
  let history = await listMessages({ conversationId: conversation.id });
  if (body.trigger === "submit-message" && body.message) {
    const edited = history.find((m) => m.id === body.message!.id);
    if (edited) await deleteMessagesFrom({ conversationId: conversation.id, seq: edited.seq });
    const stored = await insertMessage({ id: body.message.id, conversationId: conversation.id, role: "user", parts: body.message.parts });
    if (!stored) throw new AppError("bad_request", "That message id is already used in another conversation; send it as a new message.");
  } else {
    const lastUser = [...history].reverse().find((m) => m.role === "user");
    if (!lastUser) throw new AppError("validation_failed", "There is no message to answer yet.");
    const after = history.find((m) => m.seq > lastUser.seq);
    if (after) await deleteMessagesFrom({ conversationId: conversation.id, seq: after.seq });
  }
  history = await listMessages({ conversationId: conversation.id });
  const isFirstTurn = history.filter((m) => m.role === "user").length === 1 && !conversation.title;
  const uiMessages = toUiMessages(history);

  const collector = new UsageCollector(randomUUID());
  const assistantMessageId = randomUUID();
  const overrides = await loadPriceOverrides();
  const model = meterModel(
    resolved,
    {
      userId: user.id,
      feature: "chat",
      conversationId: conversation.id,
      assistantId: assistant?.id ?? null,
      messageId: assistantMessageId,
      overrides,
    },
    collector,
  );
  const delegates = assistant ? (await getOwnAssistants({ ids: assistant.delegateIds, userId: user.id })).filter((d) => d.id !== assistant.id) : [];
  const tools = delegates.length > 0 ? delegateTools({ userId: user.id, delegates, conversationId: conversation.id, collector, overrides }) : undefined;

  const result = streamText({
    model,
    system: assistant?.systemPrompt,
    messages: await convertToModelMessages(uiMessages),
    tools,
    stopWhen: stepCountIs(tools ? MAX_TOOL_STEPS : 1),
    maxOutputTokens: defaultMaxOutputTokens(),
    abortSignal: signal,
    maxRetries: 1,
    onError: () => {}, // surfaced as an `error` chunk and mapped below
  });
  // Keeps the generation (and its usage) going to the end even if nobody reads the response any more.
  void result.consumeStream({ onError: () => {} });

  const base: ChatMessageMetadata = { model: modelRef, provider: resolved.provider, createdAt: new Date().toISOString() };
  let failure: AppError | undefined;
  let ended: ((event: { responseMessage: UIMessage; isAborted: boolean }) => void) | undefined;
  const endedPromise = new Promise<{ responseMessage: UIMessage; isAborted: boolean } | null>((resolve) => {
    ended = resolve;
    setTimeout(() => resolve(null), 15 * 60_000).unref?.();
  });

  const uiStream = toUIMessageStream({
    stream: result.stream,
    tools,
    originalMessages: uiMessages,
    generateMessageId: () => assistantMessageId,
    messageMetadata: ({ part }) => {
      if (part.type === "start") return base;
      if (part.type === "finish") return metadataOf(collector, base, "ok");
      return undefined;
    },
    onError: (error) => {
      // The first error is the real one; the UI stream may report it again, already turned into text.
      failure ??= toChatError(error, resolved.provider, resolved.keySource, endpointName);
      return failure.message;
    },
    onEnd: ({ responseMessage, isAborted }) => ended?.({ responseMessage, isAborted }),
  });

  const conversationId = conversation.id;
  const firstMessage = textOf(history.find((m) => m.role === "user")?.parts ?? []);
  runInBackground(`chat ${collector.requestId}`, async () => {
    const end = await endedPromise;
    await collector.idle();
    const status: ChatMessageMetadata["status"] = end?.isAborted || signal.aborted ? "aborted" : failure ? "error" : "ok";
    const parts = (end?.responseMessage.parts ?? []).filter((p) => p.type !== "step-start");
    // Usage and the answer are stored independently: money is recorded even when storing the answer fails.
    const recorded = recordUsage(collector.records);
    const stored =
      parts.length > 0
        ? insertMessage({
            id: assistantMessageId,
            conversationId,
            role: "assistant",
            parts,
            metadata: { ...metadataOf(collector, base, status) } as Record<string, unknown>,
          })
        : Promise.resolve(undefined);
    const [usage, message] = await Promise.allSettled([recorded, stored]);
    if (usage.status === "rejected") throw usage.reason;
    if (message.status === "rejected") throw message.reason;
    if (isFirstTurn && !failure) await generateConversationTitle({ userId: user.id, conversationId, modelRef, firstMessage });
  });

  // Wait for the answer to start: an error before any content gets its own HTTP status instead of a 200 stream.
  const reader = uiStream.getReader();
  const buffered: UIMessageChunk[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.type === "error" && buffered.every((c) => !DECISIVE.has(c.type))) {
      await reader.cancel().catch(() => undefined);
      const error = failure ?? new AppError("upstream_failed", value.errorText);
      return Response.json(error.toJSON(), { status: error.status });
    }
    buffered.push(value);
    if (DECISIVE.has(value.type)) break;
  }
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of buffered) controller.enqueue(chunk);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        // Never break the browser's stream: say what happened as the protocol's error chunk and end cleanly.
        failure ??= toChatError(error, resolved.provider, resolved.keySource, endpointName);
        controller.enqueue({ type: "error", errorText: failure.message });
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  // no-transform: a compressing proxy must not hold chunks back to fill its buffer.
  return createUIMessageStreamResponse({ stream, headers: { "cache-control": "no-cache, no-transform" } });
}
