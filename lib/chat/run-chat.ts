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
  UI_MESSAGE_STREAM_HEADERS,
} from "ai";
import { getAssistantWithDelegates, readConversationTurn, upsertOwnConversation, writeTurnAtOnce } from "@/db/queries/chat-turn";
import { deleteMessagesFrom, insertMessage } from "@/db/queries/conversations";
import type { UsageSideWrite } from "@/db/queries/usage-side-writes";
import { inTransactionRetried, retried } from "@/db/queries/transaction";
import type { Assistant, Message, User } from "@/db/schema";
import type { ClaimedUser } from "@/lib/auth/session";
import { AppError, toAppError } from "@/lib/errors";
import { resumedStream } from "@/lib/http/resumed-stream";
import { currentTiming, markTiming } from "@/lib/http/server-timing";
import { formatModelRef } from "@/lib/providers/model-ref";
import { resolveModelFrom } from "@/lib/providers/resolve-model";
import { runInBackground } from "@/lib/usage/background";
import { defaultMaxOutputTokens, meteredCall, type MeteredCall } from "@/lib/usage/metered-call";
import { loadMeteringContext } from "@/lib/usage/metering-context";
import { meteredModel } from "@/lib/usage/model-middleware";
import { estimatePromptTokens } from "@/lib/usage/tokens";
import { MAX_MESSAGE_CHARS, type ChatMessageMetadata, type chatRequestSchema } from "./contract";
import { delegateTools } from "./delegation";
import { relayable, relayMessages, relayTurn } from "./relay-turn";
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
  // Object.assign, not a literal of spreads (several µs each on this Node).
  return Object.assign({}, base, t, { status: stopped ? "aborted" : status });
}

/** UI chunks that show how the answer started: content, or an error before any content. */
const DECISIVE = new Set(["text-delta", "reasoning-delta", "tool-input-start", "tool-input-available", "finish", "error", "abort"]);

/**
 * What a turn reads, all at once (one round trip's wait on PostgreSQL): the conversation with its messages, where the
 * new message's id is stored already and the session check (one statement), the assistant with its delegates, and the
 * model's sources (default model, keys, deployment-key policy), budgets and price overrides, which this process read
 * within the second (lib/usage/metering-context.ts). Only an assistant named by a stored conversation (not by the
 * request) takes a second read. Nothing read is used before the session check has passed.
 */
async function readTurn(claimed: ClaimedUser, body: ChatBody) {
  const userId = claimed.id;
  const [{ conversation, messages: stored, messageHome, sessionUser }, named, { sources, budgets, overrides }] = await Promise.all([
    readConversationTurn({ id: body.id, messageId: body.message?.id ?? null, session: { claim: claimed.claim, now: new Date() } }),
    body.assistantId ? getAssistantWithDelegates({ id: body.assistantId, userId }) : Promise.resolve(undefined),
    loadMeteringContext(userId),
  ]);
  claimed.checkedBy(sessionUser);
  const user = await claimed.user;
  if (conversation && conversation.userId !== user.id) throw new AppError("conversation_not_found");
  if (!conversation && body.trigger === "regenerate-message") throw new AppError("conversation_not_found");
  if (messageHome !== undefined && messageHome !== body.id) {
    throw new AppError("bad_request", "That message id is already used in another conversation; send it as a new message.");
  }
  const assistantId = body.assistantId !== undefined ? body.assistantId : (conversation?.assistantId ?? null);
  const found = assistantId ? (named ?? (await getAssistantWithDelegates({ id: assistantId, userId: user.id }))) : undefined;
  if (assistantId && !found) throw new AppError("not_found", "That assistant does not exist.");
  const history = conversation ? stored : [];
  return { user, conversation, history, assistant: found?.assistant, delegates: found?.delegates ?? [], sources, budgets, overrides };
}

/** What a turn changes in the conversation: the history the model sees, and the writes that make it so. */
interface TurnPlan {
  history: Message[];
  /** Messages from this position on are removed (an edited message, or the answer being regenerated). */
  deleteFromSeq?: number;
  /** The user's new message. */
  message?: NonNullable<ChatBody["message"]>;
}

function planTurn(body: ChatBody, stored: Message[]): TurnPlan {
  if (body.trigger === "submit-message" && body.message) {
    const message = body.message;
    const edited = stored.find((m) => m.id === message.id);
    const kept = edited ? stored.filter((m) => m.seq < edited.seq) : stored;
    const added: Message = { id: message.id, conversationId: body.id, role: "user", parts: message.parts, metadata: null, seq: Number.MAX_SAFE_INTEGER, createdAt: new Date() };
    return { history: [...kept, added], deleteFromSeq: edited?.seq, message };
  }
  const lastUser = [...stored].reverse().find((m) => m.role === "user");
  if (!lastUser) throw new AppError("validation_failed", "There is no message to answer yet.");
  const after = stored.find((m) => m.seq > lastUser.seq);
  return { history: after ? stored.filter((m) => m.seq < after.seq) : stored, deleteFromSeq: after?.seq };
}

const MESSAGE_ID_TAKEN = "That message id is already used in another conversation; send it as a new message.";

/**
 * The turn's writes, in one transaction: the conversation (created or updated), the removal of an edited message or
 * of the answer being regenerated, and the user's message. They run while the model call starts (everything they
 * check was read before); the answer is stored only after they committed. Retried if the database fails (the writes
 * are safe to repeat).
 */
async function writeTurn(user: User, body: ChatBody, plan: TurnPlan, turn: { modelRef: string; assistant?: Assistant }): Promise<void> {
  const conversation = { id: body.id, userId: user.id, model: turn.modelRef, assistantId: turn.assistant?.id ?? null };
  if (plan.deleteFromSeq === undefined) {
    // The usual turn (nothing to delete): one statement.
    const message = plan.message ? { id: plan.message.id, parts: plan.message.parts } : null;
    const written = await retried(() => writeTurnAtOnce({ ...conversation, message }), { attempts: 3 });
    if (!written.conversation) throw new AppError("conversation_not_found");
    if (!written.message) throw new AppError("bad_request", MESSAGE_ID_TAKEN);
    return;
  }
  await inTransactionRetried(
    async (tx) => {
      // Created by someone else in between.
      if (!(await upsertOwnConversation(conversation, tx))) throw new AppError("conversation_not_found");
      await deleteMessagesFrom({ conversationId: body.id, seq: plan.deleteFromSeq! }, tx);
      if (plan.message && !(await insertMessage({ id: plan.message.id, conversationId: body.id, role: "user", parts: plan.message.parts }, tx))) {
        throw new AppError("bad_request", MESSAGE_ID_TAKEN);
      }
    },
    { attempts: 3 },
  );
}

/**
 * One chat turn: checks the conversation, the assistant, the model and its key, reserves the budget and stores the
 * user's message, then streams the answer. Every model call is metered (lib/usage/metered-call.ts): budgets are
 * reserved before each call, and usage is recorded after the response, whether the answer finished, was stopped or
 * failed. An error before the first token (budget, rejected key, failing provider) answers with its own HTTP status
 * and JSON body.
 *
 * Before the first upstream byte there is one wait on the database: the reads, in parallel with the session check (the
 * budget reservation is usually taken from this process's lease, in memory); the conversation's writes run beside the
 * upstream call. Text-only turns on OpenAI-style APIs take the fast path (./relay-turn.ts), the rest the AI SDK.
 */
export async function runChatTurn(claimed: ClaimedUser, body: ChatBody, signal: AbortSignal): Promise<Response> {
  if (body.message) validateMessage(body.message);
  const { user, conversation, history: stored, assistant, delegates, sources, budgets, overrides } = await readTurn(claimed, body);
  markTiming("read");

  // Resolving the model checks the key: no usable key → api_key_required before anything is stored or called.
  const requested = body.model ?? conversation?.model ?? assistant?.preferredModel ?? null;
  const resolved = resolveModelFrom(sources, { override: requested, purpose: "chat" });
  const modelRef = formatModelRef({ provider: resolved.provider, modelId: resolved.modelId, endpointId: resolved.endpointId });
  const system = assistant?.systemPrompt;
  const assistantMessageId = randomUUID();
  const plan = planTurn(body, stored);
  const history = plan.history;
  const isFirstTurn = history.filter((m) => m.role === "user").length === 1 && !conversation?.title;
  // The fast path (lib/chat/relay-turn.ts) for a text-only turn on an OpenAI-style API; else the AI SDK's pipeline.
  const relay = relayable(resolved, history, delegates.length > 0);
  const uiMessages = relay ? [] : toUiMessages(history);
  const relayed = relay ? relayMessages(system, history) : [];
  const modelMessages = relay ? [] : await convertToModelMessages(uiMessages);

  const metered = meteredCall(resolved, {
    userId: user.id,
    feature: "chat",
    source: "chat",
    conversationId: body.id,
    assistantId: assistant?.id ?? null,
    messageId: assistantMessageId,
    overrides,
    budgets,
    timeZone: user.timeZone ?? "UTC",
  });
  const writing = writeTurn(user, body, plan, { modelRef, assistant });
  writing.catch(() => undefined); // awaited below; never an unhandled rejection
  let promptTokens = 0;
  try {
    promptTokens = estimatePromptTokens(relay ? relayed : [...(system ? [{ role: "system", content: system }] : []), ...modelMessages]);
    await metered.reserveAhead({ promptTokens, maxOutputTokens: defaultMaxOutputTokens() });
  } catch (error) {
    // A refusal keeps the user's message all the same (a failing write is the worse news, so it wins).
    await writing;
    throw error;
  }
  markTiming("reserve");
  const conversationId = body.id;
  // Stops the model call when the browser goes away, or when the turn's writes fail.
  const stop = new AbortController();
  const abortSignal = AbortSignal.any([signal, stop.signal]);
  const base: ChatMessageMetadata = { model: modelRef, provider: resolved.provider, createdAt: new Date().toISOString() };
  let failure: AppError | undefined;
  let ended: ((event: { responseMessage: UIMessage; isAborted: boolean }) => void) | undefined;
  const endedPromise = new Promise<{ responseMessage: UIMessage; isAborted: boolean } | null>((resolve) => {
    ended = resolve;
    setTimeout(() => resolve(null), 15 * 60_000).unref?.();
  });

  const firstMessage = textOf(history.find((m) => m.role === "user")?.parts ?? []);
  runInBackground(`chat ${metered.requestId}`, async () => {
    const end = await endedPromise;
    await metered.idle();
    // The answer follows the user's message; when that could not be stored, only the usage is.
    const stored = await writing.then(() => true, () => false);
    const status: ChatMessageMetadata["status"] = end?.isAborted || signal.aborted || stop.signal.aborted ? "aborted" : failure ? "error" : "ok";
    const parts = (end?.responseMessage.parts ?? []).filter((p) => p.type !== "step-start");
    // The answer and its usage commit together (the answer is left out if the conversation was deleted meanwhile).
    const answer: UsageSideWrite = { kind: "message", id: assistantMessageId, conversationId, role: "assistant", parts, metadata: metadataOf(metered, base, status) as Record<string, unknown> };
    // The title is asked for while the answer is recorded (it needs only the user's message), so both can share a
    // group commit.
    const titled = stored && isFirstTurn && !failure
      ? generateConversationTitle({ userId: user.id, conversationId, modelRef, firstMessage, sources, overrides, timeZone: user.timeZone ?? "UTC" })
      : null;
    titled?.catch(() => undefined); // awaited below
    await metered.record(stored && parts.length > 0 ? { sideWrites: [answer] } : {});
    await titled;
  });

  if (relay) {
    const turn = await relayTurn({
      call: metered,
      resolved,
      messages: relayed,
      promptTokens,
      maxOutputTokens: defaultMaxOutputTokens(),
      signal: abortSignal,
      messageId: assistantMessageId,
      start: base,
      finish: () => metadataOf(metered, base, "ok"),
      onEnd: (end) => {
        failure ??= end.failure;
        ended?.({ responseMessage: { id: assistantMessageId, role: "assistant", parts: end.parts }, isAborted: end.isAborted });
      },
      settle: () => undefined, // recorded with the stored answer, above
    });
    markTiming("first-content");
    const writeError = await writing.then(() => undefined, (error: unknown) => error);
    markTiming("turn-written");
    if (writeError || turn.kind === "error") {
      stop.abort();
      if (turn.kind === "stream") await turn.stream.cancel().catch(() => undefined);
      const error = writeError ? toAppError(writeError) : (turn as { error: AppError }).error;
      return Response.json(error.toJSON(), { status: error.status });
    }
    const timing = currentTiming()?.header();
    return new Response(turn.stream, { headers: { ...UI_MESSAGE_STREAM_HEADERS, "cache-control": "no-cache, no-transform", ...(timing ? { "server-timing": timing } : {}) } });
  }

  const tools = delegates.length > 0 ? delegateTools({ call: metered, delegates, sources }) : undefined;
  const result = streamText({
    model: meteredModel(metered),
    system,
    messages: modelMessages,
    tools,
    stopWhen: stepCountIs(tools ? MAX_TOOL_STEPS : 1),
    maxOutputTokens: defaultMaxOutputTokens(),
    abortSignal,
    maxRetries: 1,
    onError: () => {}, // surfaced as an `error` chunk and mapped below
  });
  // Keeps the generation (and its usage) going to the end even if nobody reads the response any more.
  void result.consumeStream({ onError: () => {} });
  markTiming("sdk");

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

  // Wait for the answer to start: an error before any content gets its own HTTP status instead of a 200 stream.
  const reader = uiStream.getReader();
  const buffered: UIMessageChunk[] = [];
  let upstreamError: AppError | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.type === "error" && buffered.every((c) => !DECISIVE.has(c.type))) {
      upstreamError = failure ?? new AppError("upstream_failed", value.errorText);
      break;
    }
    buffered.push(value);
    if (DECISIVE.has(value.type)) break;
  }
  markTiming("first-content");
  // The user's message must be stored before the answer is shown; if it could not be, the answer is stopped.
  const writeError = await writing.then(() => undefined, (error: unknown) => error);
  markTiming("turn-written");
  if (writeError || upstreamError) {
    stop.abort();
    await reader.cancel().catch(() => undefined);
    const error = writeError ? toAppError(writeError) : upstreamError!;
    return Response.json(error.toJSON(), { status: error.status });
  }
  const timing = currentTiming()?.header();
  const stream = resumedStream<UIMessageChunk>(buffered, reader, {
    onError: (error) => {
      // Never break the browser's stream: say what happened as the protocol's error chunk and end cleanly.
      failure ??= toChatError(error, resolved.provider, resolved.keySource, resolved.endpointName);
      return { type: "error", errorText: failure.message };
    },
  });
  // no-transform: a compressing proxy must not hold chunks back to fill its buffer.
  return createUIMessageStreamResponse({ stream, headers: { "cache-control": "no-cache, no-transform", ...(timing ? { "server-timing": timing } : {}) } });
}
