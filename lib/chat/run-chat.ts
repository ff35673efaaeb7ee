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
import { getAssistantWithDelegates, getConversation, upsertOwnConversation } from "@/db/queries/chat-turn";
import { deleteMessagesFrom, insertMessage, listMessages } from "@/db/queries/conversations";
import { inTransaction } from "@/db/queries/transaction";
import { asyncCommit } from "@/db";
import type { Assistant, Message, User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatModelRef } from "@/lib/providers/model-ref";
import { resolveModelFrom } from "@/lib/providers/resolve-model";
import { runInBackground } from "@/lib/usage/background";
import { defaultMaxOutputTokens, meteredCall, type MeteredCall } from "@/lib/usage/metered-call";
import { loadMeteringContext } from "@/lib/usage/metering-context";
import { meteredModel } from "@/lib/usage/model-middleware";
import { estimatePromptTokens } from "@/lib/usage/tokens";
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

function toUiMessages(rows: Pick<Message, "id" | "role" | "parts" | "metadata">[]): UIMessage[] {
  return rows.map((m) => ({ id: m.id, role: m.role, parts: m.parts as UIMessage["parts"], ...(m.metadata ? { metadata: m.metadata } : {}) }));
}

function metadataOf(call: MeteredCall, base: ChatMessageMetadata, status: ChatMessageMetadata["status"]): ChatMessageMetadata {
  const t = call.totals();
  // An answer cut off where its budget reservation ended (the provider ignored the output cap) was stopped.
  const stopped = status === "ok" && call.records.some((r) => r.stopReason === "budget");
  return { ...base, ...t, status: stopped ? "aborted" : status };
}

/** UI chunks that show how the answer started: content, or an error before any content. */
const DECISIVE = new Set(["text-delta", "reasoning-delta", "tool-input-start", "tool-input-available", "finish", "error", "abort"]);

/**
 * What a turn reads before it writes, all at once (one round trip's wait on PostgreSQL): the conversation, the
 * assistant with its delegates, the model's sources (default model, keys, deployment-key policy), the budgets and the
 * price overrides. Only an assistant named by a stored conversation (not by the request) takes a second read.
 */
async function readTurn(user: User, body: ChatBody) {
  const [conversation, named, { sources, budgets, overrides }] = await Promise.all([
    getConversation({ id: body.id }),
    body.assistantId ? getAssistantWithDelegates({ id: body.assistantId, userId: user.id }) : Promise.resolve(undefined),
    loadMeteringContext(user.id),
  ]);
  if (conversation && conversation.userId !== user.id) throw new AppError("conversation_not_found");
  if (!conversation && body.trigger === "regenerate-message") throw new AppError("conversation_not_found");
  const assistantId = body.assistantId !== undefined ? body.assistantId : (conversation?.assistantId ?? null);
  const found = assistantId ? (named ?? (await getAssistantWithDelegates({ id: assistantId, userId: user.id }))) : undefined;
  if (assistantId && !found) throw new AppError("not_found", "That assistant does not exist.");
  return { conversation, assistant: found?.assistant, delegates: found?.delegates ?? [], sources, budgets, overrides };
}

/**
 * The turn's writes, in one transaction with one commit: the conversation (created or updated), the user's message
 * (or, to regenerate, the removal of the old answer), the history read once, and the budget reservation of the first
 * model call (`call.reserveAhead`). A budget refusal rolls it back; the caller then writes the turn again without the
 * reservation (the message is kept) and answers with the refusal.
 */
async function writeTurn(
  user: User,
  body: ChatBody,
  turn: { exists: boolean; retry: boolean; reserve: boolean; modelRef: string; assistant?: Assistant },
  prompt: (history: UIMessage[]) => Promise<number>,
  call: (conversationId: string) => MeteredCall,
): Promise<{ history: Message[]; isFirstTurn: boolean; conversationTitle: string | null; metered: MeteredCall }> {
  const written = await inTransaction(async (tx) => {
    await asyncCommit(tx);
    const conversation = await upsertOwnConversation({ id: body.id, userId: user.id, model: turn.modelRef, assistantId: turn.assistant?.id ?? null }, tx);
    // Created by someone else in between.
    if (!conversation) throw new AppError("conversation_not_found");
    let history = turn.exists || turn.retry ? await listMessages({ conversationId: conversation.id }, tx) : [];
    if (body.trigger === "submit-message" && body.message) {
      const edited = history.find((m) => m.id === body.message!.id);
      if (edited) {
        await deleteMessagesFrom({ conversationId: conversation.id, seq: edited.seq }, tx);
        history = history.filter((m) => m.seq < edited.seq);
      }
      const stored = await insertMessage({ id: body.message.id, conversationId: conversation.id, role: "user", parts: body.message.parts }, tx);
      if (!stored) throw new AppError("bad_request", "That message id is already used in another conversation; send it as a new message.");
      history = [...history, { id: body.message.id, conversationId: conversation.id, role: "user", parts: body.message.parts, metadata: null, seq: Number.MAX_SAFE_INTEGER, createdAt: new Date() }];
    } else {
      const lastUser = [...history].reverse().find((m) => m.role === "user");
      if (!lastUser) throw new AppError("validation_failed", "There is no message to answer yet.");
      const after = history.find((m) => m.seq > lastUser.seq);
      if (after) {
        await deleteMessagesFrom({ conversationId: conversation.id, seq: after.seq }, tx);
        history = history.filter((m) => m.seq < after.seq);
      }
    }
    const metered = call(conversation.id);
    if (turn.reserve) await metered.reserveAhead({ promptTokens: await prompt(toUiMessages(history)), maxOutputTokens: defaultMaxOutputTokens() }, tx);
    return { history, conversationTitle: conversation.title, metered };
  });
  const isFirstTurn = written.history.filter((m) => m.role === "user").length === 1 && !written.conversationTitle;
  return { ...written, isFirstTurn };
}

/**
 * One chat turn: checks the conversation, the assistant, the model and its key, stores the user's message, then
 * streams the answer. Every model call is metered (lib/usage/metered-call.ts): budgets are reserved before each call,
 * and usage is recorded after the response, whether the answer finished, was stopped or failed. An error before the
 * first token (budget, rejected key, failing provider) answers with its own HTTP status and JSON body.
 */
export async function runChatTurn(user: User, body: ChatBody, signal: AbortSignal): Promise<Response> {
  if (body.message) validateMessage(body.message);
  const { conversation, assistant, delegates, sources, budgets, overrides } = await readTurn(user, body);

  // Resolving the model checks the key: no usable key → api_key_required before anything is stored or called.
  const requested = body.model ?? conversation?.model ?? assistant?.preferredModel ?? null;
  const resolved = resolveModelFrom(sources, { override: requested, purpose: "chat" });
  const modelRef = formatModelRef({ provider: resolved.provider, modelId: resolved.modelId, endpointId: resolved.endpointId });
  const system = assistant?.systemPrompt;
  const assistantMessageId = randomUUID();

  const call = (conversationId: string) =>
    meteredCall(resolved, {
      userId: user.id,
      feature: "chat",
      source: "chat",
      conversationId,
      assistantId: assistant?.id ?? null,
      messageId: assistantMessageId,
      overrides,
      budgets,
      timeZone: user.timeZone ?? "UTC",
    });
  const prompt = async (messages: UIMessage[]) =>
    estimatePromptTokens([...(system ? [{ role: "system", content: system }] : []), ...(await convertToModelMessages(messages))]);
  let written: Awaited<ReturnType<typeof writeTurn>> | undefined;
  for (let attempt = 1; !written; attempt++) {
    let started: MeteredCall | undefined;
    const turn = { exists: Boolean(conversation), retry: attempt > 1, reserve: true, modelRef, assistant };
    try {
      written = await writeTurn(user, body, turn, prompt, (id) => (started = call(id)));
    } catch (error) {
      if (error instanceof AppError && error.code === "budget_exceeded") {
        // The refusal rolled the turn back: keep the user's message all the same, then answer with the refusal.
        await writeTurn(user, body, { ...turn, retry: true, reserve: false }, prompt, call);
        throw error;
      }
      if (error instanceof AppError) throw error;
      // The database failed (e.g. it dropped the connection), maybe after the commit: give back what the reservation
      // holds (a no-op if nothing was stored) and write the turn again (its writes are safe to repeat).
      await started?.releaseAhead().catch(() => undefined);
      if (attempt >= 3) throw new AppError("database_unavailable", undefined, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
  const { history, isFirstTurn, metered } = written;
  const uiMessages = toUiMessages(history);
  const conversationId = metered.context.conversationId!;
  const tools = delegates.length > 0 ? delegateTools({ call: metered, delegates, sources }) : undefined;

  const result = streamText({
    model: meteredModel(metered),
    system,
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
      if (part.type === "finish") return metadataOf(metered, base, "ok");
      return undefined;
    },
    onError: (error) => {
      // The first error is the real one; the UI stream may report it again, already turned into text.
      failure ??= toChatError(error, resolved.provider, resolved.keySource, resolved.endpointName);
      return failure.message;
    },
    onEnd: ({ responseMessage, isAborted }) => ended?.({ responseMessage, isAborted }),
  });

  const firstMessage = textOf(history.find((m) => m.role === "user")?.parts ?? []);
  runInBackground(`chat ${metered.requestId}`, async () => {
    const end = await endedPromise;
    await metered.idle();
    const status: ChatMessageMetadata["status"] = end?.isAborted || signal.aborted ? "aborted" : failure ? "error" : "ok";
    const parts = (end?.responseMessage.parts ?? []).filter((p) => p.type !== "step-start");
    // The answer and its usage commit together; if storing the answer fails, the usage is still committed.
    const answer = { id: assistantMessageId, conversationId, role: "assistant" as const, parts, metadata: { ...metadataOf(metered, base, status) } as Record<string, unknown> };
    await metered.record(parts.length > 0 ? { alongside: (tx) => insertMessage(answer, tx) } : {});
    if (isFirstTurn && !failure) await generateConversationTitle({ userId: user.id, conversationId, modelRef, firstMessage, sources, overrides });
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
        failure ??= toChatError(error, resolved.provider, resolved.keySource, resolved.endpointName);
        controller.enqueue({ type: "error", errorText: failure.message });
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  // no-transform: a compressing proxy must not hold chunks back to fill its buffer.
  return createUIMessageStreamResponse({ stream, headers: { "cache-control": "no-cache, no-transform" } });
}
