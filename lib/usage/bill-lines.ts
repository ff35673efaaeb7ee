import type { ProviderId, ServerTool } from "@/lib/pricing/price-book";

/**
 * The lines of a provider's bill that the AI SDK's token buckets do not carry, read from the raw usage the provider
 * sent (`usage.raw`, which the SDK passes on unchanged) and its provider metadata:
 *  - Anthropic: `cache_creation.ephemeral_1h_input_tokens` (1-hour cache writes, a part of the cache writes) and
 *    `server_tool_use.web_search_requests` / `web_fetch_requests`;
 *  - OpenAI: `prompt_tokens_details.audio_tokens` / `completion_tokens_details.audio_tokens`, and web search calls
 *    (provider-executed `web_search` tool calls, counted by the caller from the answer);
 *  - Gemini: AUDIO in `promptTokensDetails` / `candidatesTokensDetails`, and grounding with Google Search
 *    (`groundingMetadata.webSearchQueries`: one grounded prompt on Gemini 2.x, one fee per query on Gemini 3);
 *  - OpenRouter BYOK: `is_byok` with `cost_details.upstream_inference_cost` (what the user's own provider key was
 *    charged; `cost` is then OpenRouter's fee alone).
 * Every other non-zero number in the raw usage that we do not price is listed in `unpricedFields` (as a dotted path),
 * so a new bill line shows up instead of hiding.
 *
 * Pure: no I/O.
 */
export interface BillLines {
  cacheWrite1h: number;
  audioInput: number;
  audioOutput: number;
  serverTools: Partial<Record<ServerTool, number>>;
  /**
   * OpenRouter's own cost report, when it sent one: `totalNano` = fee + (BYOK only) upstream cost. `upstreamMissing`:
   * a BYOK answer without the upstream cost (the caller prices the tokens itself rather than store the fee alone).
   */
  providerCost: { totalNano: number; feeNano: number; upstreamNano: number | null; upstreamMissing?: boolean } | null;
  unpricedFields: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/** USD as reported (a float) → integer nano-USD, through 15 significant digits so binary noise cannot tip it. */
export function usdToNano(usd: number): number {
  return Math.round(Number((usd * 1e9).toPrecision(15)));
}

/** Dotted paths of the raw usage we read or that carry no bill line (counts already inside a bucket, totals). */
const KNOWN: Record<ProviderId, readonly string[]> = {
  anthropic: [
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "cache_creation.ephemeral_5m_input_tokens",
    "cache_creation.ephemeral_1h_input_tokens",
    "server_tool_use.web_search_requests",
    "server_tool_use.web_fetch_requests",
    "output_tokens_details.thinking_tokens",
    "iterations",
  ],
  openai: [
    // Chat Completions
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "prompt_tokens_details.cached_tokens",
    "prompt_tokens_details.cache_write_tokens",
    "prompt_tokens_details.audio_tokens",
    "completion_tokens_details.reasoning_tokens",
    "completion_tokens_details.audio_tokens",
    // Predicted outputs: both are already inside completion_tokens and billed as such.
    "completion_tokens_details.accepted_prediction_tokens",
    "completion_tokens_details.rejected_prediction_tokens",
    // Responses
    "input_tokens",
    "output_tokens",
    "input_tokens_details.cached_tokens",
    "input_tokens_details.cache_write_tokens",
    "output_tokens_details.reasoning_tokens",
  ],
  google: [
    "promptTokenCount",
    "candidatesTokenCount",
    "totalTokenCount",
    "thoughtsTokenCount",
    "cachedContentTokenCount",
    "toolUsePromptTokenCount",
    "promptTokensDetails",
    "candidatesTokensDetails",
    "cacheTokensDetails",
    "toolUsePromptTokensDetails",
  ],
  // OpenRouter bills everything in `cost`: token details are informative only.
  openrouter: [],
  "openai-compatible": [],
};

/** The dotted paths of the positive numbers in a usage object, not under a known path (every usage write reads one). */
function unknownNumericPaths(value: unknown, known: readonly string[], prefix: string, out: string[]): string[] {
  if (typeof value === "number") {
    if (value > 0 && !known.some((k) => prefix === k || prefix.startsWith(`${k}.`))) out.push(prefix);
    return out;
  }
  if (!isObject(value)) return out;
  for (const key in value) {
    if (Object.hasOwn(value, key)) unknownNumericPaths(value[key], known, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

function modalityCount(details: unknown, modality: string): number {
  if (!Array.isArray(details)) return 0;
  return details.reduce((sum: number, d: unknown) => sum + (isObject(d) && d.modality === modality ? num(d.tokenCount) : 0), 0);
}

function unpricedFieldsOf(provider: ProviderId, raw: unknown): string[] {
  if (provider === "openrouter" || provider === "openai-compatible") return [];
  const known = KNOWN[provider];
  const unknown = unknownNumericPaths(raw, known, "", []);
  if (provider === "google" && isObject(raw)) {
    // Modalities we do not price apart from text (VIDEO, and cached AUDIO, which has its own cache price).
    for (const key of ["promptTokensDetails", "candidatesTokensDetails", "cacheTokensDetails", "toolUsePromptTokensDetails"]) {
      const details = raw[key];
      if (!Array.isArray(details)) continue;
      for (const d of details) {
        if (!isObject(d) || num(d.tokenCount) === 0 || typeof d.modality !== "string") continue;
        const priced = d.modality === "TEXT" || d.modality === "IMAGE" || (d.modality === "AUDIO" && key !== "cacheTokensDetails" && key !== "toolUsePromptTokensDetails");
        if (!priced) unknown.push(`${key}.${d.modality}`);
      }
    }
  }
  return unknown;
}

function openRouterCost(raw: unknown): BillLines["providerCost"] {
  if (!isObject(raw) || typeof raw.cost !== "number" || !Number.isFinite(raw.cost) || raw.cost < 0) return null;
  const feeNano = usdToNano(raw.cost);
  const upstream = isObject(raw.cost_details) ? raw.cost_details.upstream_inference_cost : undefined;
  // Only BYOK answers leave the provider's charge out of `cost`; other answers carry it too (equal to `cost`).
  if (raw.is_byok === true && typeof upstream === "number" && Number.isFinite(upstream) && upstream >= 0) {
    const upstreamNano = usdToNano(upstream);
    return { totalNano: feeNano + upstreamNano, feeNano, upstreamNano };
  }
  return { totalNano: feeNano, feeNano, upstreamNano: null, ...(raw.is_byok === true ? { upstreamMissing: true } : {}) };
}

export interface BillLineInput {
  provider: ProviderId;
  modelId: string;
  raw: unknown;
  providerMetadata?: unknown;
  /** Provider-executed tool calls in the answer, by tool name (OpenAI's `web_search` calls). */
  providerToolCalls?: Record<string, number>;
}

/** The bill lines of one call (see the top of this file). */
export function billLinesOf({ provider, modelId, raw, providerMetadata, providerToolCalls }: BillLineInput): BillLines {
  const lines: BillLines = { cacheWrite1h: 0, audioInput: 0, audioOutput: 0, serverTools: {}, providerCost: null, unpricedFields: unpricedFieldsOf(provider, raw) };
  const r = isObject(raw) ? raw : {};
  if (provider === "openrouter") {
    lines.providerCost = openRouterCost(raw);
  } else if (provider === "anthropic") {
    lines.cacheWrite1h = num(isObject(r.cache_creation) ? r.cache_creation.ephemeral_1h_input_tokens : undefined);
    const tools = isObject(r.server_tool_use) ? r.server_tool_use : {};
    if (num(tools.web_search_requests)) lines.serverTools.web_search = num(tools.web_search_requests);
    if (num(tools.web_fetch_requests)) lines.serverTools.web_fetch = num(tools.web_fetch_requests);
  } else if (provider === "openai" || provider === "openai-compatible") {
    lines.audioInput = num(isObject(r.prompt_tokens_details) ? r.prompt_tokens_details.audio_tokens : undefined);
    lines.audioOutput = num(isObject(r.completion_tokens_details) ? r.completion_tokens_details.audio_tokens : undefined);
    const searches = (providerToolCalls?.web_search ?? 0) + (providerToolCalls?.web_search_preview ?? 0);
    if (searches > 0) lines.serverTools.web_search = searches;
  } else if (provider === "google") {
    lines.audioInput = Math.max(0, modalityCount(r.promptTokensDetails, "AUDIO") - modalityCount(r.cacheTokensDetails, "AUDIO"));
    lines.audioOutput = modalityCount(r.candidatesTokensDetails, "AUDIO");
    const google = isObject(providerMetadata) && isObject(providerMetadata.google) ? providerMetadata.google : {};
    const grounding = isObject(google.groundingMetadata) ? google.groundingMetadata : null;
    const queries = grounding && Array.isArray(grounding.webSearchQueries) ? grounding.webSearchQueries.length : 0;
    if (queries > 0) {
      if (/^gemini-[3-9]/.test(modelId.replace(/^models\//, ""))) lines.serverTools.web_search = queries;
      else lines.serverTools.grounded_prompt = 1;
    }
  }
  return lines;
}
