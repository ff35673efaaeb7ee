import "server-only";
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Middleware, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { wrapLanguageModel, type LanguageModel } from "ai";
import type { ProviderKind } from "@/db/schema";
import { cancelReservation, reserveBudget, type Reservation } from "@/lib/budgets/ledger";
import { costOf, lookupPrice, priceLevelFor, type PriceOverride, type TokenUsage } from "@/lib/pricing/price-book";
import type { UsageRecord } from "./recorder";
import { ProviderStreamBroke } from "./stream-errors";
import { billLinesOf, type BillLines } from "./bill-lines";
import { thinkingFloor } from "./thinking";
import { estimatePromptTokens, estimateTokens, toTokenUsage, truncateToTokens, type ProviderUsage } from "./tokens";

/**
 * Metering at the model boundary: a language-model middleware that sees every single upstream call — each step of a
 * tool loop, each delegated assistant, each title — whatever `streamText`/`generateText` does around it.
 *
 * Before the call it reserves the call's maximum cost in the budget ledger (clamping `maxOutputTokens` to what the
 * budgets have left; `budget_exceeded` means no upstream call). After it — finished, stopped, cut off or failed — it
 * turns what happened into one UsageRecord for the request's collector: reported usage when the provider sent it,
 * else what it reported before failing (Anthropic's input and cache tokens at the start of a stream) plus an estimate
 * of the rest from the prompt and the text streamed so far (marked `estimated`, with `estimatedParts` naming which).
 *
 * While a stream passes it counts the output tokens (text, reasoning and tool-input deltas); a provider that ignores
 * the output cap is cut off where the call's reservation ends (`stopReason: "budget"`), so a budget holds whatever
 * the provider does.
 */

/** The output cap of a chat answer unless the budget clamps it lower (`CHAT_MAX_OUTPUT_TOKENS`, default 4096). */
export function defaultMaxOutputTokens(): number {
  const configured = Number(process.env.CHAT_MAX_OUTPUT_TOKENS);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : 4096;
}

export interface MeterContext {
  userId: string;
  provider: ProviderKind;
  modelId: string;
  keySource: "user" | "system";
  feature: string;
  conversationId?: string | null;
  assistantId?: string | null;
  messageId?: string | null;
  overrides: PriceOverride[];
  /** Reserve against the budgets before each call (default true). */
  enforceBudget?: boolean;
}

/** Collects a request's usage records; knows when every call it started has ended. */
export class UsageCollector {
  readonly requestId: string;
  readonly records: UsageRecord[] = [];
  private pending = 0;
  private seq = 0;
  private waiters: (() => void)[] = [];

  constructor(requestId: string) {
    this.requestId = requestId;
  }

  nextRequestId(): string {
    return `${this.requestId}:${this.seq++}`;
  }

  begin(): void {
    this.pending++;
  }

  end(record: UsageRecord | null): void {
    if (record) this.records.push(record);
    this.pending--;
    if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once no call is running (or after `timeoutMs`, so a stuck upstream cannot hold the records forever). */
  idle(timeoutMs = 10 * 60_000): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  totals() {
    const t = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costNano: 0, priced: true, estimated: false };
    for (const r of this.records) {
      t.inputTokens += r.usage.inputNoCache + r.usage.cacheRead + r.usage.cacheWrite;
      t.cacheReadTokens += r.usage.cacheRead;
      t.cacheWriteTokens += r.usage.cacheWrite;
      t.outputTokens += r.usage.output;
      t.reasoningTokens += r.usage.reasoning;
      if (r.costNano === null) t.priced = false;
      else t.costNano += r.costNano;
      if (r.estimated) t.estimated = true;
    }
    return t;
  }
}

interface CallState {
  reservation: Reservation | null;
  promptTokens: number;
  /** Whether the caller asked for raw chunks itself (else the ones the middleware asked for are not passed on). */
  passRawChunks: boolean;
}

/** Usage a provider reported before its stream ended (Anthropic's `message_start`): input buckets only. */
interface PartialUsage {
  inputNoCache: number;
  cacheRead: number;
  cacheWrite: number;
  /** The part of cacheWrite written for one hour (Anthropic). */
  cacheWrite1h?: number;
}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/**
 * The input usage a stream part reports before the end of the stream, if it is one that does: Anthropic's
 * `message_start` (surfaced by @ai-sdk/anthropic as a custom part), Gemini's `usageMetadata.promptTokenCount` on every
 * chunk (seen in the raw chunks, which the middleware asks Google models for).
 */
function partialUsageOf(part: LanguageModelV4StreamPart): PartialUsage | null {
  if (part.type === "custom" && part.kind === "anthropic.message_start") {
    const usage = (part.providerMetadata?.anthropic as { usage?: Record<string, unknown> } | undefined)?.usage;
    if (!usage || typeof usage.input_tokens !== "number") return null;
    const cacheWrite = count(usage.cache_creation_input_tokens);
    const creation = usage.cache_creation as { ephemeral_1h_input_tokens?: unknown } | undefined;
    return {
      inputNoCache: count(usage.input_tokens),
      cacheRead: count(usage.cache_read_input_tokens),
      cacheWrite,
      cacheWrite1h: Math.min(count(creation?.ephemeral_1h_input_tokens), cacheWrite),
    };
  }
  if (part.type === "raw") {
    const usage = (part.rawValue as { usageMetadata?: Record<string, unknown> } | null)?.usageMetadata;
    if (!usage || typeof usage.promptTokenCount !== "number") return null;
    const cacheRead = count(usage.cachedContentTokenCount);
    return { inputNoCache: Math.max(0, count(usage.promptTokenCount) - cacheRead), cacheRead, cacheWrite: 0 };
  }
  return null;
}

type Priced = Pick<UsageRecord, "costNano" | "costSource" | "upstreamCostNano" | "toolCostNano"> & { unknownRates: string[] };

function priceFor(ctx: MeterContext, usage: TokenUsage, lines: BillLines | null): Priced {
  // OpenRouter's own report wins: its fee, plus (BYOK) what the user's provider key was charged.
  const reported = ctx.provider === "openrouter" ? lines?.providerCost : null;
  if (reported?.upstreamMissing) {
    // BYOK without the provider's charge: the fee plus the tokens at the price book's rates, marked estimated.
    const upstream = costOf(ctx.provider, ctx.modelId, usage, { overrides: ctx.overrides });
    const upstreamNano = upstream.priced ? upstream.costNanoUsd : null;
    return { costNano: reported.feeNano + (upstreamNano ?? 0), costSource: "provider", upstreamCostNano: upstreamNano, toolCostNano: 0, unknownRates: ["byok_upstream"] };
  }
  if (reported) return { costNano: reported.totalNano, costSource: "provider", upstreamCostNano: reported.upstreamNano, toolCostNano: 0, unknownRates: [] };
  const cost = costOf(ctx.provider, ctx.modelId, usage, { overrides: ctx.overrides });
  return cost.priced
    ? { costNano: cost.costNanoUsd, costSource: "price_book", upstreamCostNano: null, toolCostNano: cost.toolCostNano, unknownRates: cost.unknownRates }
    : { costNano: null, costSource: "unpriced", upstreamCostNano: null, toolCostNano: 0, unknownRates: [] };
}

/** The provider's bill lines applied to the SDK's buckets: each a part of its bucket, never more than it. */
function withBillLines(usage: TokenUsage, lines: BillLines): TokenUsage {
  const serverTools = Object.keys(lines.serverTools).length > 0 ? { serverTools: lines.serverTools } : {};
  return {
    ...usage,
    cacheWrite1h: Math.min(lines.cacheWrite1h, usage.cacheWrite),
    audioInput: Math.min(lines.audioInput, usage.inputNoCache),
    audioOutput: Math.min(lines.audioOutput, usage.output - usage.reasoning),
    ...serverTools,
  };
}

/** The usage object in an OpenAI response body or stream chunk: chat's `usage`, Responses' `response.usage`. */
function wireUsageOf(body: unknown): unknown {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { usage?: unknown; response?: { usage?: unknown } };
  const usage = b.usage ?? b.response?.usage;
  return usage && typeof usage === "object" ? usage : undefined;
}

/**
 * Counts provider-executed tool calls (OpenAI's web searches) by tool: a call of a provider tool the request declared
 * under a name of its own (`tools: { search: openai.tools.webSearch() }`) counts under the tool's id (`web_search`).
 */
function countProviderTool(
  counts: Record<string, number>,
  params: LanguageModelV4CallOptions,
  part: { type: string; providerExecuted?: boolean; toolName?: string },
): void {
  if (part.type !== "tool-call" || part.providerExecuted !== true || !part.toolName) return;
  const declared = params.tools?.find((tool) => tool.type === "provider" && tool.name === part.toolName);
  const name = declared && "id" in declared ? declared.id.slice(declared.id.indexOf(".") + 1) : part.toolName;
  counts[name] = (counts[name] ?? 0) + 1;
}

function errorMessageOf(error: unknown): string {
  const e = error as { message?: string; statusCode?: number };
  const text = e?.message ?? String(error);
  return (e?.statusCode ? `${e.statusCode}: ${text}` : text).slice(0, 500);
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || (error as { name?: string })?.name === "AbortError";
}

/** A model resolved for a user (lib/providers/resolve-model.ts): what it is and whose key it runs on. */
export interface MeteredTarget {
  model: LanguageModel;
  provider: ProviderKind;
  modelId: string;
  keySource: "user" | "system";
}

export function meterModel(
  target: MeteredTarget,
  context: Omit<MeterContext, "provider" | "modelId" | "keySource">,
  collector: UsageCollector,
): LanguageModel {
  const ctx: MeterContext = { ...context, provider: target.provider, modelId: target.modelId, keySource: target.keySource };
  const calls = new WeakMap<LanguageModelV4CallOptions, CallState>();

  async function prepare(params: LanguageModelV4CallOptions): Promise<LanguageModelV4CallOptions> {
    const promptTokens = estimatePromptTokens(params.prompt as { role: string; content: unknown }[]);
    const maxOutputTokens = params.maxOutputTokens ?? defaultMaxOutputTokens();
    let reservation: Reservation | null = null;
    if (ctx.enforceBudget !== false) {
      const found = lookupPrice(ctx.provider, ctx.modelId, { overrides: ctx.overrides });
      let inputCostNano: number | null = null;
      let outputNanoPerMTok: number | null = null;
      if (found) {
        const level = priceLevelFor(found.price, promptTokens);
        const cost = costOf(ctx.provider, ctx.modelId, { inputNoCache: promptTokens, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }, { overrides: ctx.overrides });
        inputCostNano = cost.priced ? cost.costNanoUsd : null;
        outputNanoPerMTok = Math.max(level.output, level.reasoning);
      }
      // A thinking model needs room for its least thinking plus an answer: a budget that leaves less refuses the call.
      const floor = thinkingFloor(ctx.provider, ctx.modelId, params.providerOptions);
      reservation = await reserveBudget(ctx.userId, {
        inputTokens: promptTokens,
        inputCostNano,
        outputNanoPerMTok,
        maxOutputTokens,
        ...(floor > 0 ? { minOutputTokens: Math.min(floor + 1, maxOutputTokens) } : {}),
      });
    }
    // Gemini reports the prompt's tokens on every chunk but the SDK only passes usage on at the end: read the raw
    // chunks too, so a broken stream keeps the reported input (the caller only gets raw parts if it asked for them).
    const next = {
      ...params,
      maxOutputTokens: reservation?.maxOutputTokens ?? maxOutputTokens,
      // OpenAI: @ai-sdk/openai's usage schema drops fields it does not know (audio tokens), so the usage is read from
      // the raw chunks as it came over the wire.
      ...(ctx.provider === "google" || ctx.provider === "openai" ? { includeRawChunks: true } : {}),
      // OpenRouter: ask for the usage accounting (cost, BYOK upstream cost) explicitly rather than rely on its default.
      ...(ctx.provider === "openrouter"
        ? { providerOptions: { ...params.providerOptions, openrouter: { ...params.providerOptions?.openrouter, usage: { include: true } } } }
        : {}),
    };
    calls.set(next, { reservation, promptTokens, passRawChunks: params.includeRawChunks === true });
    return next;
  }

  function record(
    params: LanguageModelV4CallOptions,
    startedAt: number,
    outcome: {
      usage?: ProviderUsage;
      status: UsageRecord["status"];
      partialText: string;
      ttftMs: number | null;
      error?: unknown;
      /** Input usage the provider reported before the stream ended. */
      partial?: PartialUsage | null;
      stopReason?: UsageRecord["stopReason"];
      /** The most output tokens to count (a stream cut off at its reservation's cap). */
      outputCap?: number;
      providerMetadata?: unknown;
      providerToolCalls?: Record<string, number>;
      /** The usage object as the provider sent it, where the SDK's `usage.raw` may have lost fields (OpenAI). */
      wireUsage?: unknown;
    },
  ): UsageRecord {
    const state = calls.get(params);
    const finishedAt = Date.now();
    let usage: TokenUsage;
    let estimatedParts: UsageRecord["estimatedParts"] = null;
    const reported = outcome.usage ? toTokenUsage(outcome.usage) : null;
    if (reported && reported.inputNoCache + reported.cacheRead + reported.cacheWrite + reported.output > 0) {
      usage = reported;
    } else if (outcome.status === "error" && !outcome.partialText && outcome.ttftMs === null && !outcome.partial) {
      // The provider refused the call before answering (401, 429, 5xx): nothing was generated or charged.
      usage = { inputNoCache: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
    } else {
      // Keep what the provider reported; estimate only what it did not.
      const input = outcome.partial ?? { inputNoCache: state?.promptTokens ?? 0, cacheRead: 0, cacheWrite: 0 };
      const output = Math.min(estimateTokens(outcome.partialText), outcome.outputCap ?? Number.MAX_SAFE_INTEGER);
      usage = { ...input, output, reasoning: 0 };
      estimatedParts = outcome.partial ? ["output"] : ["input", "output"];
    }
    const raw = outcome.usage ? (outcome.wireUsage ?? outcome.usage.raw) : undefined;
    const lines =
      raw !== undefined || outcome.providerMetadata !== undefined
        ? billLinesOf({ provider: ctx.provider, modelId: ctx.modelId, raw, providerMetadata: outcome.providerMetadata, providerToolCalls: outcome.providerToolCalls })
        : null;
    if (lines) usage = withBillLines(usage, lines);
    const { unknownRates, ...price } = priceFor(ctx, usage, lines);
    // A bucket billed at a rate we do not know (audio as text, a tool without a fee) makes the cost an estimate.
    if (unknownRates.length > 0) estimatedParts = [...(estimatedParts ?? []), ...unknownRates.map((rate) => `rate:${rate}`)];
    return {
      requestId: collector.nextRequestId(),
      userId: ctx.userId,
      conversationId: ctx.conversationId ?? null,
      messageId: ctx.messageId ?? null,
      assistantId: ctx.assistantId ?? null,
      provider: ctx.provider,
      model: ctx.modelId,
      feature: ctx.feature,
      keySource: ctx.keySource,
      usage,
      ...price,
      estimated: estimatedParts !== null,
      estimatedParts,
      status: outcome.status,
      stopReason: outcome.stopReason ?? null,
      errorMessage: outcome.error === undefined ? null : errorMessageOf(outcome.error),
      latencyMs: finishedAt - startedAt,
      ttftMs: outcome.ttftMs,
      rawUsage: raw ?? null,
      unpricedUsageFields: lines && lines.unpricedFields.length > 0 ? lines.unpricedFields : null,
      startedAt: new Date(startedAt),
      finishedAt: new Date(finishedAt),
      reservationId: state?.reservation?.id ?? null,
    };
  }

  const middleware: LanguageModelV4Middleware = {
    specificationVersion: "v4",
    transformParams: async ({ params }) => prepare(params),

    wrapGenerate: async ({ doGenerate, params }) => {
      collector.begin();
      const startedAt = Date.now();
      try {
        const result = await doGenerate();
        const text = result.content.map((c) => ("text" in c && typeof c.text === "string" ? c.text : "")).join("");
        const providerToolCalls: Record<string, number> = {};
        for (const part of result.content) countProviderTool(providerToolCalls, params, part);
        const wireUsage = ctx.provider === "openai" ? wireUsageOf(result.response?.body) : undefined;
        collector.end(record(params, startedAt, { usage: result.usage, status: "ok", partialText: text, ttftMs: null, providerMetadata: result.providerMetadata, providerToolCalls, wireUsage }));
        return result;
      } catch (error) {
        const status = isAbort(error, params.abortSignal) ? "aborted" : "error";
        collector.end(record(params, startedAt, { status, partialText: "", ttftMs: status === "aborted" ? 0 : null, error, stopReason: status === "aborted" ? "client" : null }));
        throw error;
      }
    },

    wrapStream: async ({ doStream, params }) => {
      collector.begin();
      const startedAt = Date.now();
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = await doStream();
      } catch (error) {
        const status = isAbort(error, params.abortSignal) ? "aborted" : "error";
        // Aborted before the first byte: the prompt may have been read; estimate it (ttft 0 marks "started").
        collector.end(record(params, startedAt, { status, partialText: "", ttftMs: status === "aborted" ? 0 : null, error, stopReason: status === "aborted" ? "client" : null }));
        throw error;
      }

      let partialText = "";
      let ttftMs: number | null = null;
      let streamError: unknown;
      let partial: PartialUsage | null = null;
      let done = false;
      let recorded: UsageRecord | undefined;
      /**
       * At least the output tokens so far: the exact count at the last recount plus each delta counted on its own since
       * (a piece alone never has fewer tokens than inside the text). Recounted exactly whenever it passes the cap.
       */
      let outputTokens = 0;
      const streamedInputs = new Set<string>();
      const cap = calls.get(params)?.reservation?.maxOutputTokens;
      const openBlocks = new Map<string, "text-end" | "reasoning-end">();
      const providerToolCalls: Record<string, number> = {};
      let wireUsage: unknown;
      const finish = (status: UsageRecord["status"], usage?: ProviderUsage, error?: unknown, stopReason?: UsageRecord["stopReason"], providerMetadata?: unknown) => {
        if (done) return;
        done = true;
        recorded = record(params, startedAt, { usage, status, partialText, ttftMs, error, partial, stopReason, outputCap: stopReason === "budget" ? cap : undefined, providerMetadata, providerToolCalls, wireUsage });
        collector.end(recorded);
      };
      const observe = (part: LanguageModelV4StreamPart) => {
        if (part.type === "text-delta" || part.type === "reasoning-delta" || part.type === "tool-input-delta") {
          if (ttftMs === null) ttftMs = Date.now() - startedAt;
          partialText += part.delta;
          if (part.type === "tool-input-delta") streamedInputs.add(part.id);
        } else if (part.type === "tool-call") {
          if (ttftMs === null) ttftMs = Date.now() - startedAt;
          countProviderTool(providerToolCalls, params, part);
          // A call whose input was streamed is already counted.
          if (!streamedInputs.has(part.toolCallId)) partialText += part.input;
        } else if (part.type === "text-start" || part.type === "reasoning-start") {
          openBlocks.set(part.id, part.type === "text-start" ? "text-end" : "reasoning-end");
        } else if (part.type === "text-end" || part.type === "reasoning-end") {
          openBlocks.delete(part.id);
        } else if (part.type === "error") {
          streamError = part.error;
        } else if (part.type === "finish") {
          finish(streamError === undefined ? "ok" : "error", part.usage, streamError, undefined, part.providerMetadata);
        } else {
          partial = partialUsageOf(part) ?? partial;
          if (part.type === "raw" && ctx.provider === "openai") wireUsage = wireUsageOf(part.rawValue) ?? wireUsage;
        }
      };

      const reader = result.stream.getReader();
      /**
       * The provider went past the output cap the reservation covers (it ignored `max_tokens`): pass on the part of
       * this piece that still fits, stop reading, cancel the upstream and end the step as if the cap was reached.
       */
      const stopAtBudget = async (controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>, part: LanguageModelV4StreamPart & { delta: string }) => {
        const room = Math.max(0, (cap ?? 0) - estimateTokens(partialText));
        const head = part.type === "tool-input-delta" ? "" : truncateToTokens(part.delta, room);
        if (head) {
          const piece = { ...part, delta: head };
          observe(piece);
          controller.enqueue(piece);
        }
        finish("aborted", undefined, undefined, "budget");
        await reader.cancel("budget").catch(() => undefined);
        for (const [id, type] of openBlocks) controller.enqueue({ type, id });
        const u = recorded?.usage;
        controller.enqueue({
          type: "finish",
          finishReason: { unified: "length", raw: "budget" },
          usage: {
            inputTokens: { total: u ? u.inputNoCache + u.cacheRead + u.cacheWrite : undefined, noCache: u?.inputNoCache, cacheRead: u?.cacheRead, cacheWrite: u?.cacheWrite },
            outputTokens: { total: u?.output, text: u?.output, reasoning: undefined },
          },
        });
        controller.close();
      };
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        pull: async function pull(controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>): Promise<void> {
          try {
            const { done: ended, value } = await reader.read();
            if (ended) {
              finish(streamError === undefined ? (params.abortSignal?.aborted ? "aborted" : "error") : "error", undefined, streamError ?? (params.abortSignal?.aborted ? undefined : new Error("The provider ended the stream without finishing.")), params.abortSignal?.aborted ? "client" : null);
              controller.close();
              return;
            }
            if (cap !== undefined && (value.type === "text-delta" || value.type === "reasoning-delta" || value.type === "tool-input-delta")) {
              outputTokens += estimateTokens(value.delta);
              if (outputTokens > cap) {
                outputTokens = estimateTokens(partialText + value.delta);
                if (outputTokens > cap) return await stopAtBudget(controller, value);
              }
            }
            observe(value);
            if (value.type !== "raw" || calls.get(params)?.passRawChunks !== false) controller.enqueue(value);
            // A raw chunk the caller did not ask for was kept back: read on, or the stream would wait for a pull
            // that never comes.
            else await pull(controller);
          } catch (error) {
            if (isAbort(error, params.abortSignal)) {
              finish("aborted", undefined, error, "client");
              controller.error(error);
              return;
            }
            // A dropped connection: hand it on as the protocol's error part, so the caller ends the step cleanly.
            const broke = ttftMs === null && !partial ? error : new ProviderStreamBroke(estimateTokens(partialText), error);
            finish("error", undefined, broke);
            controller.enqueue({ type: "error", error: broke });
            controller.close();
          }
        },
        async cancel(reason) {
          finish("aborted", undefined, undefined, "client");
          await reader.cancel(reason).catch(() => undefined);
        },
      });
      return { ...result, stream };
    },
  };

  return wrapLanguageModel({ model: target.model as LanguageModelV4, middleware });
}

export { ProviderStreamBroke };

/** Gives back a reservation taken for a call that never ran (used when a request fails before streaming). */
export { cancelReservation };
