import "server-only";
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Middleware, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { wrapLanguageModel, type LanguageModel } from "ai";
import type { ProviderKind } from "@/db/schema";
import { cancelReservation, reserveBudget, type Reservation } from "@/lib/budgets/ledger";
import { costOf, lookupPrice, priceLevelFor, type PriceOverride, type TokenUsage } from "@/lib/pricing/price-book";
import type { UsageRecord } from "./recorder";
import { estimatePromptTokens, estimateTokens, providerReportedCostNano, toTokenUsage, type ProviderUsage } from "./tokens";

/**
 * Metering at the model boundary: a language-model middleware that sees every single upstream call — each step of a
 * tool loop, each delegated assistant, each title — whatever `streamText`/`generateText` does around it.
 *
 * Before the call it reserves the call's maximum cost in the budget ledger (clamping `maxOutputTokens` to what the
 * budgets have left; `budget_exceeded` means no upstream call). After it — finished, stopped, cut off or failed — it
 * turns what happened into one UsageRecord for the request's collector: reported usage when the provider sent it,
 * else an estimate from the prompt and the text streamed so far (marked `estimated`).
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
}

function priceFor(ctx: MeterContext, usage: TokenUsage, raw: unknown): { costNano: number | null; costSource: UsageRecord["costSource"] } {
  const reported = ctx.provider === "openrouter" ? providerReportedCostNano(raw) : null;
  if (reported !== null) return { costNano: reported, costSource: "provider" };
  const cost = costOf(ctx.provider, ctx.modelId, usage, { overrides: ctx.overrides });
  return cost.priced ? { costNano: cost.costNanoUsd, costSource: "price_book" } : { costNano: null, costSource: "unpriced" };
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
      reservation = await reserveBudget(ctx.userId, { inputTokens: promptTokens, inputCostNano, outputNanoPerMTok, maxOutputTokens });
    }
    const next = { ...params, maxOutputTokens: reservation?.maxOutputTokens ?? maxOutputTokens };
    calls.set(next, { reservation, promptTokens });
    return next;
  }

  function record(
    params: LanguageModelV4CallOptions,
    startedAt: number,
    outcome: { usage?: ProviderUsage; status: UsageRecord["status"]; partialText: string; ttftMs: number | null; error?: unknown },
  ): UsageRecord {
    const state = calls.get(params);
    const finishedAt = Date.now();
    let usage: TokenUsage;
    let estimated = false;
    const reported = outcome.usage ? toTokenUsage(outcome.usage) : null;
    if (reported && reported.inputNoCache + reported.cacheRead + reported.cacheWrite + reported.output > 0) {
      usage = reported;
    } else if (outcome.status === "error" && !outcome.partialText && outcome.ttftMs === null) {
      // The provider refused the call before answering (401, 429, 5xx): nothing was generated or charged.
      usage = { inputNoCache: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
    } else {
      usage = { inputNoCache: state?.promptTokens ?? 0, cacheRead: 0, cacheWrite: 0, output: estimateTokens(outcome.partialText), reasoning: 0 };
      estimated = true;
    }
    const price = priceFor(ctx, usage, outcome.usage?.raw);
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
      estimated,
      status: outcome.status,
      errorMessage: outcome.error === undefined ? null : errorMessageOf(outcome.error),
      latencyMs: finishedAt - startedAt,
      ttftMs: outcome.ttftMs,
      rawUsage: outcome.usage?.raw ?? null,
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
        collector.end(record(params, startedAt, { usage: result.usage, status: "ok", partialText: text, ttftMs: null }));
        return result;
      } catch (error) {
        const status = isAbort(error, params.abortSignal) ? "aborted" : "error";
        collector.end(record(params, startedAt, { status, partialText: "", ttftMs: status === "aborted" ? 0 : null, error }));
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
        collector.end(record(params, startedAt, { status, partialText: "", ttftMs: status === "aborted" ? 0 : null, error }));
        throw error;
      }

      let partialText = "";
      let ttftMs: number | null = null;
      let streamError: unknown;
      let done = false;
      const finish = (status: UsageRecord["status"], usage?: ProviderUsage, error?: unknown) => {
        if (done) return;
        done = true;
        collector.end(record(params, startedAt, { usage, status, partialText, ttftMs, error }));
      };
      const observe = (part: LanguageModelV4StreamPart) => {
        if (part.type === "text-delta" || part.type === "reasoning-delta" || part.type === "tool-input-delta") {
          if (ttftMs === null) ttftMs = Date.now() - startedAt;
          partialText += part.delta;
        } else if (part.type === "tool-call") {
          if (ttftMs === null) ttftMs = Date.now() - startedAt;
          partialText += part.input;
        } else if (part.type === "error") {
          streamError = part.error;
        } else if (part.type === "finish") {
          finish(streamError === undefined ? "ok" : "error", part.usage, streamError);
        }
      };

      const reader = result.stream.getReader();
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async pull(controller) {
          try {
            const { done: ended, value } = await reader.read();
            if (ended) {
              finish(streamError === undefined ? (params.abortSignal?.aborted ? "aborted" : "error") : "error", undefined, streamError ?? (params.abortSignal?.aborted ? undefined : new Error("The provider ended the stream without finishing.")));
              controller.close();
              return;
            }
            observe(value);
            controller.enqueue(value);
          } catch (error) {
            if (isAbort(error, params.abortSignal)) {
              finish("aborted", undefined, error);
              controller.error(error);
              return;
            }
            // A dropped connection: hand it on as the protocol's error part, so the caller ends the step cleanly.
            finish("error", undefined, error);
            controller.enqueue({ type: "error", error });
            controller.close();
          }
        },
        async cancel(reason) {
          finish("aborted", undefined, undefined);
          await reader.cancel(reason).catch(() => undefined);
        },
      });
      return { ...result, stream };
    },
  };

  return wrapLanguageModel({ model: target.model as LanguageModelV4, middleware });
}

/** Gives back a reservation taken for a call that never ran (used when a request fails before streaming). */
export { cancelReservation };
