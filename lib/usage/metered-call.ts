import "server-only";
import { randomUUID } from "node:crypto";
import type { Budget, UsageSource } from "@/db/schema";
import type { CallEstimate, Reservation } from "@/lib/budgets/ledger";
import { releaseCall, reserveCall } from "@/lib/budgets/leases";
import type { BudgetLimit } from "@/lib/budgets/limits";
import { costAt, lookupPrice, priceLevelFor, toolFeeFor, type PriceLookup, type PriceOverride, type ServerTool, type TokenUsage } from "@/lib/pricing/price-book";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { billLinesOf, type BillLines } from "./bill-lines";
import type { RecordOptions, UsageRecord } from "./recorder";
import { thinkingFloor } from "./thinking";
import { enqueueUsage } from "./usage-queue";
import { estimateTokens, toTokenUsage, totalTokens, type ProviderUsage } from "./tokens";

/**
 * The one metering core every caller uses — chat, assistant delegation, titles, the API gateway, ingestion. A metered
 * call is created from the resolved model and the caller's context; each upstream call it makes is a step that
 * reserves its most possible cost in the budget ledger (clamping the output cap to what the budgets leave;
 * `budget_exceeded` means no upstream call), and ends as one UsageRecord priced once from the price looked up when the
 * call was created. `record()` stores them all (lib/usage/recorder.ts). Callers on the AI SDK use `.model`
 * (lib/usage/model-middleware.ts observes each step); a pass-through caller drives `reserve()` and `finishStep()`
 * itself.
 */

/** The output cap of a chat answer unless the budget clamps it lower (`CHAT_MAX_OUTPUT_TOKENS`, default 4096). */
export function defaultMaxOutputTokens(): number {
  const configured = Number(process.env.CHAT_MAX_OUTPUT_TOKENS);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : 4096;
}

/** Who is calling, for what: every usage event of the call carries it. */
export interface CallerContext {
  userId: string;
  feature: string;
  source: UsageSource;
  conversationId?: string | null;
  assistantId?: string | null;
  messageId?: string | null;
  /** The request's id; each step's event gets `<requestId>:<n>` (default: a new UUID). */
  requestId?: string;
  /** Admin price overrides, loaded once by the caller with its other reads. */
  overrides: PriceOverride[];
  /** The user's budgets and time zone, when the caller already read them (else the reservation reads them). */
  budgets?: { user?: Budget; admin?: Budget };
  timeZone?: string;
  /** Reserve against the budgets before each step (default true). */
  enforceBudget?: boolean;
  /** Limits beyond the user's budgets this call is under (the API token's own budget). */
  extraLimits?: BudgetLimit[];
  /** The API token the call came through or that reported it, and the app's skill and session tags. */
  apiTokenId?: string | null;
  skill?: string | null;
  sessionTag?: string | null;
}

/** Usage an app reports for a call it made itself (`/api/track`): no reservation, no upstream call of ours. */
export interface ReportedCall {
  usage: TokenUsage;
  /** Default `ok`. */
  status?: UsageRecord["status"];
  startedAt: Date;
  finishedAt: Date;
  ttftMs?: number | null;
  /** What the client says the call cost (nano-USD): charged instead of the price book, marked `provider`. */
  reportedCostNano?: number | null;
  toolName?: string | null;
  eventId?: string | null;
  metadata?: Record<string, unknown> | null;
  errorMessage?: string | null;
}

/** Usage a provider reported before its stream ended (Anthropic's `message_start`): input buckets only. */
export interface PartialUsage {
  inputNoCache: number;
  cacheRead: number;
  cacheWrite: number;
  /** The part of cacheWrite written for one hour (Anthropic). */
  cacheWrite1h?: number;
}

/** What one step's upstream call looked like, to reserve for it. */
export interface StepRequest {
  promptTokens: number;
  maxOutputTokens: number;
  providerOptions?: Record<string, unknown>;
  /** Provider-executed tools the request declares, billed per request (e.g. `{ web_search: 5 }`: at most 5 searches). */
  serverTools?: Partial<Record<ServerTool, number>>;
  /** The prompt asks the provider to write it to its cache (`"1h"`: for an hour, at the 1-hour write rate). */
  cacheWrite?: "5m" | "1h";
}

/** How a step ended, as the caller saw it. */
export interface StepOutcome {
  usage?: ProviderUsage;
  status: UsageRecord["status"];
  /** Text streamed before the end (estimates the output when the provider reported none). */
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
  /** When the step ended (epoch ms), for a record made later; now by default. */
  finishedAt?: number;
}

export interface Step {
  reservation: Reservation | null;
  promptTokens: number;
  /** The output cap after the budgets' clamp. */
  maxOutputTokens: number;
  startedAt: number;
}

type Priced = Pick<UsageRecord, "costNano" | "costSource" | "upstreamCostNano" | "toolCostNano"> & { unknownRates: string[] };

/** What requests of one call share: its records, its step numbering, and when every step has ended. */
class Steps {
  readonly records: UsageRecord[] = [];
  private pending = 0;
  private seq = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly requestId: string) {}

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

  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const DEFAULT_TOOL_REQUESTS = 5;

export class MeteredCall {
  readonly target: ResolvedModel;
  readonly context: CallerContext;
  /** The model's price, looked up once for every step of the call (null: unpriced). */
  readonly price: PriceLookup | null;
  private readonly steps: Steps;
  /** A reservation taken for the first step before it started; used once. */
  private held: { reservation: Reservation | null; promptTokens: number } | null = null;

  constructor(target: ResolvedModel, context: CallerContext, steps?: Steps) {
    this.target = target;
    this.context = context;
    this.price = lookupPrice(target.provider, target.modelId, { overrides: context.overrides });
    this.steps = steps ?? new Steps(context.requestId ?? randomUUID());
  }

  get requestId(): string {
    return this.steps.requestId;
  }

  /** Every step's record so far, delegates' included. */
  get records(): readonly UsageRecord[] {
    return this.steps.records;
  }

  /** Another model the same request calls (an assistant's delegate): its own model and tags, the same records. */
  delegate(target: ResolvedModel, context: Pick<CallerContext, "feature" | "assistantId">): MeteredCall {
    return new MeteredCall(target, { ...this.context, ...context, messageId: null }, this.steps);
  }

  /** Resolves once no step is running (or after `timeoutMs`, so a stuck upstream cannot hold the records forever). */
  idle(timeoutMs = 10 * 60_000): Promise<void> {
    return this.steps.idle(timeoutMs);
  }

  /**
   * Waits for every step, then stores the records, with the rows that belong with them (`options.sideWrites`: the
   * answer, a title), in the next group commit of the usage queue (lib/usage/usage-queue.ts). Resolves once committed.
   * `options.background`: nobody waits for the commit (the answer has gone out), which may then wait longer to be shared.
   * The call's last act: what it reserved ahead and never used is given back.
   */
  async record(options?: RecordOptions & { background?: boolean }): Promise<void> {
    await this.idle();
    // A reservation made ahead for a step that never started (the request ended first) is given back.
    const held = this.held;
    this.held = null;
    if (held?.reservation) await releaseCall(held.reservation);
    await enqueueUsage([...this.steps.records], options?.sideWrites, { background: options?.background });
  }

  /** The call's tokens and cost so far, for the answer's metadata. */
  totals() {
    const t = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costNano: 0, priced: true, estimated: false };
    for (const r of this.steps.records) {
      t.inputTokens += totalTokens(r.usage) - r.usage.output;
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

  /**
   * The most a step can cost, from the price looked up once: the prompt at the dearest input rate it may be billed
   * at (a prompt written to the cache for an hour costs 2× input), each declared server tool's fee times the most
   * requests it may make, and the output at the dearer of the output and reasoning rates.
   */
  estimate(request: StepRequest): CallEstimate {
    const { provider, modelId } = this.target;
    const floor = thinkingFloor(provider, modelId, request.providerOptions);
    const minOutput = floor > 0 ? { minOutputTokens: Math.min(floor + 1, request.maxOutputTokens) } : {};
    if (!this.price) return { inputTokens: request.promptTokens, inputCostNano: null, outputNanoPerMTok: null, maxOutputTokens: request.maxOutputTokens, ...minOutput };
    const tokens = request.promptTokens;
    const plain: TokenUsage = { inputNoCache: tokens, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
    const cached: TokenUsage | null = request.cacheWrite ? { ...plain, inputNoCache: 0, cacheWrite: tokens, cacheWrite1h: request.cacheWrite === "1h" ? tokens : 0 } : null;
    let inputCostNano = costAt(provider, modelId, this.price, plain).costNanoUsd;
    if (cached) inputCostNano = Math.max(inputCostNano, costAt(provider, modelId, this.price, cached).costNanoUsd);
    for (const [tool, requests] of Object.entries(request.serverTools ?? {}) as [ServerTool, number][]) {
      inputCostNano += (toolFeeFor(provider, modelId, this.price.price, tool) ?? 0) * requests;
    }
    const level = priceLevelFor(this.price.price, tokens);
    return { inputTokens: tokens, inputCostNano, outputNanoPerMTok: Math.max(level.output, level.reasoning), maxOutputTokens: request.maxOutputTokens, ...minOutput };
  }

  /**
   * Reserves for the first step before it starts, so that a refusal comes before any answer has started (and before
   * the caller's other work). The step then uses this reservation if its prompt is no larger.
   */
  async reserveAhead(request: StepRequest): Promise<Reservation | null> {
    const reservation = await this.reserveFor(request);
    this.held = { reservation, promptTokens: request.promptTokens };
    return reservation;
  }

  /** Starts a step: reserves for it (or takes the reservation made ahead) and returns the clamped output cap. */
  async startStep(request: StepRequest): Promise<Step> {
    let reservation: Reservation | null;
    const held = this.held;
    this.held = null;
    if (held && held.promptTokens >= request.promptTokens) {
      reservation = held.reservation;
    } else {
      // The prompt grew after the reservation made ahead (or there was none): reserve for what it is now.
      if (held?.reservation) await releaseCall(held.reservation);
      reservation = await this.reserveFor(request);
    }
    return {
      reservation,
      promptTokens: request.promptTokens,
      maxOutputTokens: Math.min(request.maxOutputTokens, reservation?.maxOutputTokens ?? request.maxOutputTokens),
      startedAt: Date.now(),
    };
  }

  private async reserveFor(request: StepRequest): Promise<Reservation | null> {
    if (this.context.enforceBudget === false) return null;
    const { userId, budgets, timeZone, extraLimits } = this.context;
    return reserveCall(userId, this.estimate(request), { budgets, timeZone, extraLimits });
  }

  /** Counts a step as running (its record comes with `endStep`). */
  beginStep(): void {
    this.steps.begin();
  }

  /** Ends a running step with its record (null: nothing to record). */
  endStep(record: UsageRecord | null): void {
    this.steps.end(record);
  }

  /** Gives back a step's reservation when its upstream call never started. */
  async cancelStep(step: Step): Promise<void> {
    if (step.reservation) await releaseCall(step.reservation);
  }

  /**
   * One step's usage record: what the provider reported when it did; else what it reported before failing (input and
   * cache tokens at the start of a stream) plus an estimate of the rest from the prompt and the text streamed so far,
   * marked `estimated` with `estimatedParts` naming which. Priced once, at the call's price.
   */
  recordOf(step: Pick<Step, "reservation" | "promptTokens" | "startedAt">, outcome: StepOutcome): UsageRecord {
    const { provider, modelId } = this.target;
    const finishedAt = outcome.finishedAt ?? Date.now();
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
      const input = outcome.partial ?? { inputNoCache: step.promptTokens, cacheRead: 0, cacheWrite: 0 };
      const output = Math.min(estimateTokens(outcome.partialText), outcome.outputCap ?? Number.MAX_SAFE_INTEGER);
      usage = { ...input, output, reasoning: 0 };
      estimatedParts = outcome.partial ? ["output"] : ["input", "output"];
    }
    const raw = outcome.usage ? (outcome.wireUsage ?? outcome.usage.raw) : undefined;
    const lines =
      raw !== undefined || outcome.providerMetadata !== undefined
        ? billLinesOf({ provider, modelId, raw, providerMetadata: outcome.providerMetadata, providerToolCalls: outcome.providerToolCalls })
        : null;
    if (lines) usage = withBillLines(usage, lines);
    const priced = this.priceOf(usage, lines);
    // A bucket billed at a rate we do not know (audio as text, a tool without a fee) makes the cost an estimate.
    if (priced.unknownRates.length > 0) estimatedParts = [...(estimatedParts ?? []), ...priced.unknownRates.map((rate) => `rate:${rate}`)];
    // Object.assign onto one object, not a literal of spreads: on this Node (V8 11) that literal cost about 20 µs a
    // record, more than the rest of the pricing.
    return Object.assign(this.whoAndWhat(), pricedFields(priced), {
      usage,
      estimated: estimatedParts !== null,
      estimatedParts,
      status: outcome.status,
      stopReason: outcome.stopReason ?? null,
      errorMessage: outcome.error === undefined ? null : errorMessageOf(outcome.error),
      latencyMs: finishedAt - step.startedAt,
      ttftMs: outcome.ttftMs,
      rawUsage: raw ?? null,
      unpricedUsageFields: lines && lines.unpricedFields.length > 0 ? lines.unpricedFields : null,
      startedAt: new Date(step.startedAt),
      finishedAt: new Date(finishedAt),
    }, reservationOf(step.reservation));
  }

  /** What every record of this call says about who called what: the caller's context, the model, the key, a new id. */
  private whoAndWhat() {
    const ctx = this.context;
    const { provider, modelId, keySource } = this.target;
    return {
      requestId: this.steps.nextRequestId(),
      userId: ctx.userId,
      conversationId: ctx.conversationId ?? null,
      messageId: ctx.messageId ?? null,
      assistantId: ctx.assistantId ?? null,
      provider,
      model: modelId,
      feature: ctx.feature,
      source: ctx.source,
      keySource,
      timeZone: ctx.timeZone ?? null,
      apiTokenId: ctx.apiTokenId ?? null,
      skill: ctx.skill ?? null,
      sessionTag: ctx.sessionTag ?? null,
    };
  }

  /**
   * The record of a call an app made itself and reports (`/api/track`), added to this call's records. Priced once at
   * the call's price like `recordOf`; a cost the client reported is charged instead (cost source `provider`) and kept
   * as `reportedCostNano`. An unknown model without a reported cost is unpriced. No reservation: it already happened.
   */
  recordReported(report: ReportedCall): UsageRecord {
    const reported = report.reportedCostNano ?? null;
    const priced: Priced =
      reported !== null ? { costNano: reported, costSource: "provider", upstreamCostNano: null, toolCostNano: 0, unknownRates: [] } : this.priceOf(report.usage, null);
    const estimatedParts = priced.unknownRates.length > 0 ? priced.unknownRates.map((rate) => `rate:${rate}`) : null;
    const record: UsageRecord = Object.assign(this.whoAndWhat(), pricedFields(priced), {
      usage: report.usage,
      estimated: estimatedParts !== null,
      estimatedParts,
      status: report.status ?? "ok",
      stopReason: null,
      errorMessage: report.errorMessage ?? null,
      latencyMs: report.finishedAt.getTime() - report.startedAt.getTime(),
      ttftMs: report.ttftMs ?? null,
      rawUsage: null,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      reservationId: null,
      toolName: report.toolName ?? null,
      eventId: report.eventId ?? null,
      metadata: report.metadata ?? null,
      reportedCostNano: reported,
    });
    this.steps.records.push(record);
    return record;
  }

  private priceOf(usage: TokenUsage, lines: BillLines | null): Priced {
    const { provider, modelId } = this.target;
    // OpenRouter's own report wins: its fee, plus (BYOK) what the user's provider key was charged.
    const reported = provider === "openrouter" ? lines?.providerCost : null;
    const atPrice = this.price ? costAt(provider, modelId, this.price, usage) : null;
    if (reported?.upstreamMissing) {
      // BYOK without the provider's charge: the fee plus the tokens at the price book's rates, marked estimated.
      const upstreamNano = atPrice?.costNanoUsd ?? null;
      return { costNano: reported.feeNano + (upstreamNano ?? 0), costSource: "provider", upstreamCostNano: upstreamNano, toolCostNano: 0, unknownRates: ["byok_upstream"] };
    }
    if (reported) return { costNano: reported.totalNano, costSource: "provider", upstreamCostNano: reported.upstreamNano, toolCostNano: 0, unknownRates: [] };
    return atPrice
      ? { costNano: atPrice.costNanoUsd, costSource: "price_book", upstreamCostNano: null, toolCostNano: atPrice.toolCostNano, unknownRates: atPrice.unknownRates }
      : { costNano: null, costSource: "unpriced", upstreamCostNano: null, toolCostNano: 0, unknownRates: [] };
  }
}

/** A new metered call: the resolved model and the caller's context. */
export function meteredCall(target: ResolvedModel, context: CallerContext): MeteredCall {
  return new MeteredCall(target, context);
}

export { DEFAULT_TOOL_REQUESTS };

/** The provider's bill lines applied to the SDK's buckets: each a part of its bucket, never more than it. */
function withBillLines(usage: TokenUsage, lines: BillLines): TokenUsage {
  const billed: TokenUsage = Object.assign({}, usage, {
    cacheWrite1h: Math.min(lines.cacheWrite1h, usage.cacheWrite),
    audioInput: Math.min(lines.audioInput, usage.inputNoCache),
    audioOutput: Math.min(lines.audioOutput, usage.output - usage.reasoning),
  });
  if (Object.keys(lines.serverTools).length > 0) billed.serverTools = lines.serverTools;
  return billed;
}

/** A price's fields as a record stores them. */
function pricedFields(priced: Priced): Pick<UsageRecord, "costNano" | "costSource" | "upstreamCostNano" | "toolCostNano"> {
  return { costNano: priced.costNano, costSource: priced.costSource, upstreamCostNano: priced.upstreamCostNano, toolCostNano: priced.toolCostNano };
}

/** How a record gives its reservation back when it is stored: a row of its own, or its share of a budget lease. */
function reservationOf(reservation: Reservation | null): Pick<UsageRecord, "reservationId" | "leaseHold"> {
  if (!reservation) return { reservationId: null, leaseHold: null };
  if (!reservation.leaseId) return { reservationId: reservation.id, leaseHold: null };
  return { reservationId: null, leaseHold: { leaseId: reservation.leaseId, amountNano: reservation.amountNano, tokens: reservation.tokens } };
}

function errorMessageOf(error: unknown): string {
  const e = error as { message?: string; statusCode?: number };
  const text = e?.message ?? String(error);
  return (e?.statusCode ? `${e.statusCode}: ${text}` : text).slice(0, 500);
}
