import "server-only";
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Middleware, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { wrapLanguageModel, type LanguageModel } from "ai";
import type { ServerTool } from "@/lib/pricing/price-book";
import { DEFAULT_TOOL_REQUESTS, defaultMaxOutputTokens, type MeteredCall, type PartialUsage, type Step, type StepRequest } from "./metered-call";
import type { UsageRecord } from "./recorder";
import { ProviderStreamBroke } from "./stream-errors";
import { estimatePromptTokens, estimateTokens, truncateToTokens, type ProviderUsage } from "./tokens";

/**
 * The metered call's adapter for the AI SDK: a language-model middleware that sees every single upstream call — each
 * step of a tool loop, each delegated assistant, each title — whatever `streamText`/`generateText` does around it.
 * Before the call it starts a metered step (the budget reservation, the clamped output cap); after it — finished,
 * stopped, cut off or failed — it hands what happened to the step's record.
 *
 * While a stream passes it counts the output tokens (text, reasoning and tool-input deltas); a provider that ignores
 * the output cap is cut off where the step's reservation ends (`stopReason: "budget"`), so a budget holds whatever
 * the provider does.
 */

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

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || (error as { name?: string })?.name === "AbortError";
}

/** Provider tools billed per request, by the id the AI SDK gives them (`anthropic.web_search_20250305`). */
function serverToolOf(id: string): ServerTool | null {
  const name = id.slice(id.indexOf(".") + 1);
  if (/^web_search/.test(name) || name === "google_search") return "web_search";
  if (/^web_fetch/.test(name)) return "web_fetch";
  return null;
}

/** What a step may make the provider bill beyond tokens: per-request tools, and cache writes the prompt asks for. */
function billedExtras(params: LanguageModelV4CallOptions, target: MeteredCall["target"]): Pick<StepRequest, "serverTools" | "cacheWrite"> {
  const serverTools: Partial<Record<ServerTool, number>> = {};
  for (const tool of params.tools ?? []) {
    if (tool.type !== "provider") continue;
    const kind = serverToolOf(tool.id);
    if (!kind) continue;
    const maxUses = Number((tool.args as { maxUses?: unknown } | undefined)?.maxUses);
    serverTools[kind] = (serverTools[kind] ?? 0) + (Number.isSafeInteger(maxUses) && maxUses > 0 ? maxUses : DEFAULT_TOOL_REQUESTS);
  }
  // Gemini 2.x bills a grounded prompt once, whatever the number of searches.
  if (serverTools.web_search && target.provider === "google" && /^(models\/)?gemini-2/.test(target.modelId)) {
    delete serverTools.web_search;
    serverTools.grounded_prompt = 1;
  }
  let cacheWrite: StepRequest["cacheWrite"];
  const visit = (options: unknown) => {
    const anthropic = (options as { anthropic?: { cacheControl?: { ttl?: string }; cache_control?: { ttl?: string } } } | undefined)?.anthropic;
    const control = anthropic?.cacheControl ?? anthropic?.cache_control;
    if (control) cacheWrite = control.ttl === "1h" || cacheWrite === "1h" ? "1h" : "5m";
  };
  visit(params.providerOptions);
  for (const message of params.prompt) {
    visit(message.providerOptions);
    if (Array.isArray(message.content)) for (const part of message.content) visit((part as { providerOptions?: unknown }).providerOptions);
  }
  return { ...(Object.keys(serverTools).length > 0 ? { serverTools } : {}), ...(cacheWrite ? { cacheWrite } : {}) };
}

/** The AI SDK model of a metered call: every upstream call it makes is one metered step. */
export function meteredModel(call: MeteredCall): LanguageModel {
  const { provider } = call.target;
  const steps = new WeakMap<LanguageModelV4CallOptions, Step>();
  /** Whether the caller asked for raw chunks itself (else the ones the middleware asked for are not passed on). */
  const passRaw = new WeakMap<LanguageModelV4CallOptions, boolean>();
  const stepOf = (params: LanguageModelV4CallOptions): Step => ({
    ...(steps.get(params) ?? {
      reservation: null,
      promptTokens: estimatePromptTokens(params.prompt as { role: string; content: unknown }[]),
      maxOutputTokens: params.maxOutputTokens ?? defaultMaxOutputTokens(),
    }),
    startedAt: Date.now(),
  });

  async function prepare(params: LanguageModelV4CallOptions): Promise<LanguageModelV4CallOptions> {
    const step = await call.startStep({
      promptTokens: estimatePromptTokens(params.prompt as { role: string; content: unknown }[]),
      maxOutputTokens: params.maxOutputTokens ?? defaultMaxOutputTokens(),
      providerOptions: params.providerOptions,
      ...billedExtras(params, call.target),
    });
    const next = {
      ...params,
      maxOutputTokens: step.maxOutputTokens,
      // Gemini reports the prompt's tokens on every chunk but the SDK only passes usage on at the end, and
      // @ai-sdk/openai's usage schema drops fields it does not know (audio tokens): read the raw chunks too (the
      // caller only gets raw parts if it asked for them).
      ...(provider === "google" || provider === "openai" ? { includeRawChunks: true } : {}),
      // OpenRouter: ask for the usage accounting (cost, BYOK upstream cost) explicitly rather than rely on its default.
      ...(provider === "openrouter"
        ? { providerOptions: { ...params.providerOptions, openrouter: { ...params.providerOptions?.openrouter, usage: { include: true } } } }
        : {}),
    };
    steps.set(next, step);
    passRaw.set(next, params.includeRawChunks === true);
    return next;
  }

  const middleware: LanguageModelV4Middleware = {
    specificationVersion: "v4",
    transformParams: async ({ params }) => prepare(params),

    wrapGenerate: async ({ doGenerate, params }) => {
      call.beginStep();
      const step = stepOf(params);
      try {
        const result = await doGenerate();
        const text = result.content.map((c) => ("text" in c && typeof c.text === "string" ? c.text : "")).join("");
        const providerToolCalls: Record<string, number> = {};
        for (const part of result.content) countProviderTool(providerToolCalls, params, part);
        const wireUsage = provider === "openai" ? wireUsageOf(result.response?.body) : undefined;
        call.endStep(call.recordOf(step, { usage: result.usage, status: "ok", partialText: text, ttftMs: null, providerMetadata: result.providerMetadata, providerToolCalls, wireUsage }));
        return result;
      } catch (error) {
        const status = isAbort(error, params.abortSignal) ? "aborted" : "error";
        call.endStep(call.recordOf(step, { status, partialText: "", ttftMs: status === "aborted" ? 0 : null, error, stopReason: status === "aborted" ? "client" : null }));
        throw error;
      }
    },

    wrapStream: async ({ doStream, params }) => {
      call.beginStep();
      const step = stepOf(params);
      const startedAt = step.startedAt;
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = await doStream();
      } catch (error) {
        const status = isAbort(error, params.abortSignal) ? "aborted" : "error";
        // Aborted before the first byte: the prompt may have been read; estimate it (ttft 0 marks "started").
        call.endStep(call.recordOf(step, { status, partialText: "", ttftMs: status === "aborted" ? 0 : null, error, stopReason: status === "aborted" ? "client" : null }));
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
      const cap = step.reservation?.maxOutputTokens;
      const openBlocks = new Map<string, "text-end" | "reasoning-end">();
      const providerToolCalls: Record<string, number> = {};
      let wireUsage: unknown;
      const finish = (status: UsageRecord["status"], usage?: ProviderUsage, error?: unknown, stopReason?: UsageRecord["stopReason"], providerMetadata?: unknown) => {
        if (done) return;
        done = true;
        recorded = call.recordOf(step, { usage, status, partialText, ttftMs, error, partial, stopReason, outputCap: stopReason === "budget" ? cap : undefined, providerMetadata, providerToolCalls, wireUsage });
        call.endStep(recorded);
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
          if (part.type === "raw" && provider === "openai") wireUsage = wireUsageOf(part.rawValue) ?? wireUsage;
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
          const piece = Object.assign({}, part, { delta: head });
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
            if (value.type !== "raw" || passRaw.get(params) !== false) controller.enqueue(value);
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

  return wrapLanguageModel({ model: call.target.model as LanguageModelV4, middleware });
}
