/**
 * The price book: what one model call costs, in integer nano-USD (1 USD = 1e9 nano-USD).
 *
 * Prices come from admin overrides (passed in by the caller; they always win) or from the data bundled with
 * `@pydantic/genai-prices` (never fetched at run time). Prices are held as integer nano-USD per million tokens and the
 * cost is computed with BigInt: sum(tokens × nano-per-MTok) over all buckets, then ONE division by 1,000,000 rounded
 * half-up. An unknown model is `{ priced: false }` — never $0.
 *
 * Semantics, as in genai-prices (checked against its source, v0.1.8):
 *  - The prompt is `inputNoCache + cacheRead + cacheWrite`; cache reads are billed at the cache-read price and cache
 *    writes at the cache-write price, each falling back to the input price when the model has none.
 *  - `output` includes reasoning ("thinking") tokens, billed at the output price. Only if the data has a separate
 *    reasoning price (`output_reasoning_mtok`, e.g. OpenRouter's perplexity/sonar-deep-research) are `reasoning`
 *    tokens billed at it and the rest of `output` at the output price.
 *  - Long-context tiers: a tier `{ start, price }` applies when the request's TOTAL input tokens (uncached + cache read +
 *    cache write) are strictly greater than `start`, and then its price applies to ALL tokens of that kind in the
 *    request — not just to the tokens above the threshold. Every tiered price of the model (input, output, cache) is
 *    switched by that same total-input figure. This is Anthropic's and Google's published rule ("prompts > 200k
 *    tokens": the whole request at the higher rate). Here a tier is `{ above: start, … }` with the same meaning.
 *  - Anthropic's 1-hour cache writes (`cacheWrite1h`, a part of `cacheWrite`) are billed at `cache_write_1h_mtok`,
 *    or at 2× the input price (Anthropic's published rule) where the data has none; the rest of `cacheWrite` at the
 *    5-minute write price.
 *  - Audio tokens (`audioInput`, a part of `inputNoCache`; `audioOutput`, a part of `output`) are billed at
 *    `input_audio_mtok` / `output_audio_mtok`. Where the data has no audio price they are billed at the text price and
 *    the result names the rate it lacked in `unknownRates` (the event is then marked estimated) — never silently.
 *  - Server-side tools billed per request (`serverTools`: web searches, web fetches, Gemini grounded prompts) are
 *    billed at `web_searches_kcount` from the data, else at the published prices in TOOL_FEES below; a tool with no
 *    known price is named in `unknownRates`.
 *  - OpenRouter ids ("anthropic/claude-sonnet-4.5") are priced from genai-prices' own "openrouter" catalog — what
 *    OpenRouter bills, including its ":free" variants — and only when that has no entry from the vendor's catalog
 *    (see `catalogCandidates` in model-id.ts). Cache prices missing from an OpenRouter entry are filled from the
 *    vendor's entry when both list the same input/output prices (see `fillCachePrices`).
 *  - A catalog entry with no token prices at all (`{}`) is a free model (OpenRouter ":free", Gemma on AI Studio) and
 *    costs 0; an entry priced only in units we cannot meter (audio hours, e.g. whisper-1) is treated as unknown.
 *
 * Pure: no I/O, no "server-only".
 */
import { calcPrice } from "@pydantic/genai-prices";
import { catalogCandidates, normaliseModelId, type CatalogCandidate, type ProviderId } from "./model-id";

export { normaliseModelId, type ProviderId } from "./model-id";

/** Token buckets of one model call. `output` INCLUDES reasoning tokens; `reasoning` is the part of `output` spent on reasoning. `inputNoCache + cacheRead + cacheWrite` is the whole prompt. */
export interface TokenUsage {
  inputNoCache: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  /** The part of `cacheWrite` written to the 1-hour cache (Anthropic); the rest is 5-minute writes. */
  cacheWrite1h?: number;
  /** The part of `inputNoCache` that is audio. */
  audioInput?: number;
  /** The part of `output` that is audio (never reasoning). */
  audioOutput?: number;
  /** Server-side tool requests billed per request, by tool. */
  serverTools?: Partial<Record<ServerTool, number>>;
}

/**
 * Server-side tools a provider bills per request: `web_search` (Anthropic, OpenAI, Gemini 3 search queries),
 * `web_fetch` (Anthropic), `grounded_prompt` (Gemini 2.x: one per prompt grounded with Google Search).
 */
export const SERVER_TOOLS = ["web_search", "web_fetch", "grounded_prompt"] as const;
export type ServerTool = (typeof SERVER_TOOLS)[number];

/** One price level, integer nano-USD per 1M tokens. */
interface PriceLevel {
  input: number;
  output: number;
  /** Falls back to `input` when absent. */
  cacheRead?: number;
  /** Falls back to `input` when absent. */
  cacheWrite?: number;
  /** A separate price for reasoning tokens; falls back to `output` when absent. */
  reasoning?: number;
  /** 1-hour cache writes; falls back to 2 × `input` (Anthropic's published rule) when absent. */
  cacheWrite1h?: number;
  /** Audio input tokens; unknown when absent (billed as text and reported in `unknownRates`). */
  inputAudio?: number;
  /** Audio output tokens; unknown when absent (billed as text and reported in `unknownRates`). */
  outputAudio?: number;
}

/** Integer nano-USD per 1M tokens; `perRequest` in integer nano-USD per request. */
export interface ModelPrice extends PriceLevel {
  /** Per-request fees of server-side tools (from the data, else from TOOL_FEES). */
  perRequest?: Partial<Record<ServerTool, number>>;
  /**
   * Long-context tiers: when the prompt's total input tokens (`inputNoCache + cacheRead + cacheWrite`) exceed `above`,
   * the tier with the highest such `above` applies to the WHOLE call (every token of every bucket), as genai-prices
   * and the providers bill it. A tier's missing `cacheRead`/`cacheWrite`/`reasoning` falls back to that tier's
   * `input`/`input`/`output` (catalog-derived tiers always carry every price the base level has).
   */
  tiers?: ({ above: number } & PriceLevel)[];
}

/** modelId as normalised by normaliseModelId (it is normalised again when matching, so either spelling works). */
export interface PriceOverride {
  provider: ProviderId;
  modelId: string;
  price: ModelPrice;
}

export interface PriceLookup {
  price: ModelPrice;
  source: "override" | "catalog";
  /** The override's canonical model id, or the id of the genai-prices entry that matched. */
  matchedModelId: string;
  contextWindow?: number;
}

export type CostResult =
  | {
      priced: true;
      /** The total, rounded ONCE (half-up) from the exact sum of all buckets. */
      costNanoUsd: number;
      source: "override" | "catalog";
      matchedModelId: string;
      /** For display only: each bucket rounded half-up on its own, so they may not add up to `costNanoUsd`. `output` includes reasoning; `cacheWrite` includes `cacheWrite1h`. */
      breakdown: { input: number; cacheRead: number; cacheWrite: number; cacheWrite1h: number; output: number; tools: number };
      /** The per-request tool fees included in `costNanoUsd` (exact: whole nano-USD per request). */
      toolCostNano: number;
      /** Rates the price list lacks for buckets this call used (`audio_input`, `audio_output`, `tool:<name>`): those were billed as text, or not at all for a tool. */
      unknownRates: string[];
    }
  | { priced: false; reason: "unknown_model" };

export interface PriceBookOptions {
  overrides?: PriceOverride[];
  /** When the call happened, for catalog prices that changed over time (default: now). */
  at?: Date;
}

const TOKENS_PER_PRICE_UNIT = 1_000_000n;
const HALF_PRICE_UNIT = 500_000n;

/**
 * A float USD-per-million-tokens price (as in genai-prices) → integer nano-USD per million tokens.
 * Rounded through 15 significant digits first so that binary noise cannot tip it: 0.075 → 75_000_000 exactly.
 */
export function usdPerMTokToNano(usdPerMTok: number): number {
  if (!Number.isFinite(usdPerMTok) || usdPerMTok < 0) throw new RangeError(`Invalid price: ${usdPerMTok}`);
  return Math.round(Number((usdPerMTok * 1e9).toPrecision(15)));
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog (genai-prices) → ModelPrice

type CatalogValue = number | { base: number; tiers: { start: number; price: number }[] } | undefined;

const CATALOG_KEYS = {
  input: "input_mtok",
  output: "output_mtok",
  cacheRead: "cache_read_mtok",
  cacheWrite: "cache_write_mtok",
  reasoning: "output_reasoning_mtok",
  cacheWrite1h: "cache_write_1h_mtok",
  inputAudio: "input_audio_mtok",
  outputAudio: "output_audio_mtok",
} as const satisfies Record<keyof PriceLevel, string>;

type LevelKey = keyof typeof CATALOG_KEYS;
const LEVEL_KEYS = Object.keys(CATALOG_KEYS) as LevelKey[];

function isTiered(value: unknown): value is { base: number; tiers: { start: number; price: number }[] } {
  return typeof value === "object" && value !== null && "base" in value && "tiers" in value && Array.isArray(value.tiers);
}

/** The USD/MTok price of one key when the request's total input is just above `threshold` (or the base price for null). */
function catalogValueAt(value: CatalogValue, threshold: number | null): number | undefined {
  if (value === undefined || typeof value === "number") return value;
  let price = value.base;
  if (threshold !== null) {
    for (const tier of [...value.tiers].sort((a, b) => a.start - b.start)) {
      // genai-prices: a tier applies when total input > tier.start. Just above `threshold` that is start <= threshold.
      if (tier.start <= threshold) price = tier.price;
    }
  }
  return price;
}

function catalogLevel(prices: Record<string, unknown>, threshold: number | null): PriceLevel {
  const level: PriceLevel = { input: 0, output: 0 };
  for (const key of LEVEL_KEYS) {
    const usd = catalogValueAt(prices[CATALOG_KEYS[key]] as CatalogValue, threshold);
    if (usd !== undefined) level[key] = usdPerMTokToNano(usd);
  }
  return level;
}

/** A genai-prices price record → our integer form; null when it prices nothing we can meter in tokens. */
export function modelPriceFromCatalog(prices: Record<string, unknown>): ModelPrice | null {
  const present = Object.entries(prices).filter(([, value]) => value !== undefined);
  const hasTokenPrice = present.some(([key]) => key === CATALOG_KEYS.input || key === CATALOG_KEYS.output);
  if (!hasTokenPrice && present.length > 0) return null; // e.g. audio-hours only: not meterable in tokens.

  const thresholds = new Set<number>();
  for (const key of LEVEL_KEYS) {
    const value = prices[CATALOG_KEYS[key]];
    if (isTiered(value)) for (const tier of value.tiers) thresholds.add(tier.start);
  }
  const price: ModelPrice = catalogLevel(prices, null);
  const searches = prices.web_searches_kcount;
  if (typeof searches === "number") price.perRequest = { web_search: Math.round(usdPerMTokToNano(searches) / 1000) }; // USD per 1,000 requests
  if (thresholds.size > 0) {
    price.tiers = [...thresholds].sort((a, b) => a - b).map((above) => ({ above, ...catalogLevel(prices, above) }));
  }
  return price;
}

interface CatalogHit extends PriceLookup {
  catalogProvider: string;
}

function matchCatalog(candidate: CatalogCandidate, at: Date): CatalogHit | null {
  let result: ReturnType<typeof calcPrice>;
  try {
    // Zero usage: we only want the matched entry and its price record at `at` (conditional prices by date).
    result = calcPrice({}, candidate.model, { providerId: candidate.provider, timestamp: at });
  } catch {
    return null;
  }
  // Candidates only name genai-prices provider ids that exist verbatim ("openai", "anthropic", "google",
  // "openrouter"), so its loose provider matching never kicks in; a provider's declared fallbacks do (Claude on
  // Vertex under "google").
  if (!result) return null;
  const price = modelPriceFromCatalog(result.model_price);
  if (!price) return null;
  return {
    price,
    source: "catalog",
    matchedModelId: result.model.id,
    catalogProvider: candidate.provider,
    ...(result.model.context_window === undefined ? {} : { contextWindow: result.model.context_window }),
  };
}

/** Same input and output prices at every level (cache prices aside). */
function sameTokenPrices(a: ModelPrice, b: ModelPrice): boolean {
  const at = (p: ModelPrice) => [p, ...(p.tiers ?? [])].map((l) => [("above" in l ? l.above : -1), l.input, l.output, l.reasoning].join());
  return at(a).join(";") === at(b).join(";");
}

/**
 * OpenRouter's entries sometimes lack the cache prices OpenRouter passes through (e.g. "openai/gpt-4o" has no cache
 * read price, so cached tokens would be billed at the full input price). When the vendor's own entry has the same
 * input/output prices, its cache prices fill the gaps; OpenRouter's own cache prices, where present, win.
 */
function fillCachePrices(target: ModelPrice, source: ModelPrice): ModelPrice {
  if (!sameTokenPrices(target, source)) return target;
  const fill = <L extends PriceLevel>(level: L, from: PriceLevel): L => ({
    ...level,
    ...(level.cacheRead === undefined && from.cacheRead !== undefined ? { cacheRead: from.cacheRead } : {}),
    ...(level.cacheWrite === undefined && from.cacheWrite !== undefined ? { cacheWrite: from.cacheWrite } : {}),
  });
  const filled: ModelPrice = fill(target, source);
  if (target.tiers && source.tiers) filled.tiers = target.tiers.map((tier, i) => fill(tier, source.tiers?.[i] ?? tier));
  return filled;
}

/**
 * Catalog answers by provider, model and hour: every metered call looks its price up, and matching the bundled data
 * (id normalisation, several candidates, date constraints) costs more than the rest of the call's pricing. Prices in
 * the data change on dates, so an answer holds for its hour. Callers treat the answer as read-only.
 */
const catalogAnswers = new Map<string, PriceLookup | null>();

function lookupCatalog(provider: ProviderId, modelId: string, at: Date): PriceLookup | null {
  const key = `${provider}\u0000${modelId}\u0000${Math.floor(at.getTime() / 3_600_000)}`;
  const known = catalogAnswers.get(key);
  if (known !== undefined) return known;
  const found = matchCatalogCandidates(provider, modelId, at);
  if (catalogAnswers.size >= 10_000) catalogAnswers.clear();
  catalogAnswers.set(key, found);
  return found;
}

function matchCatalogCandidates(provider: ProviderId, modelId: string, at: Date): PriceLookup | null {
  const candidates = catalogCandidates(provider, modelId);
  for (const [i, candidate] of candidates.entries()) {
    const hit = matchCatalog(candidate, at);
    if (!hit) continue;
    const { catalogProvider, ...found } = hit;
    if (catalogProvider === "openrouter" && (found.price.cacheRead === undefined || found.price.cacheWrite === undefined)) {
      for (const upstream of candidates.slice(i + 1).filter((c) => c.provider !== "openrouter")) {
        const vendor = matchCatalog(upstream, at);
        if (vendor) return { ...found, price: fillCachePrices(found.price, vendor.price) };
      }
    }
    return found;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Overrides

const isNanoPrice = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

function levelProblem(level: PriceLevel, where: string): string | null {
  if (!isNanoPrice(level.input)) return `${where}input must be a non-negative integer (nano-USD per MTok)`;
  if (!isNanoPrice(level.output)) return `${where}output must be a non-negative integer (nano-USD per MTok)`;
  for (const key of ["cacheRead", "cacheWrite", "reasoning", "cacheWrite1h", "inputAudio", "outputAudio"] as const) {
    if (level[key] !== undefined && !isNanoPrice(level[key])) return `${where}${key} must be a non-negative integer (nano-USD per MTok)`;
  }
  return null;
}

/** Why a price cannot be used (first problem found), or null when it is valid. */
export function validateModelPrice(price: ModelPrice): string | null {
  const base = levelProblem(price, "");
  if (base) return base;
  for (const [tool, fee] of Object.entries(price.perRequest ?? {})) {
    if (!isNanoPrice(fee)) return `perRequest.${tool} must be a non-negative integer (nano-USD per request)`;
  }
  for (const [i, tier] of (price.tiers ?? []).entries()) {
    if (!isNanoPrice(tier.above)) return `tiers[${i}].above must be a non-negative integer (tokens)`;
    const problem = levelProblem(tier, `tiers[${i}].`);
    if (problem) return problem;
  }
  return null;
}

function findOverride(provider: ProviderId, canonicalId: string, overrides: readonly PriceOverride[]): PriceOverride | undefined {
  return overrides.find((o) => o.provider === provider && normaliseModelId(o.provider, o.modelId).modelId === canonicalId);
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * The price of a model: an admin override for (provider, normalised model id) if there is one (the first match wins),
 * else the bundled catalog; null when neither knows the model. Throws a RangeError for an invalid override price.
 */
export function lookupPrice(provider: ProviderId, modelId: string, options?: PriceBookOptions): PriceLookup | null {
  const at = options?.at ?? new Date();
  const { modelId: canonical } = normaliseModelId(provider, modelId);
  const override = findOverride(provider, canonical, options?.overrides ?? []);
  if (override) {
    const problem = validateModelPrice(override.price);
    if (problem) throw new RangeError(`Invalid price override for ${provider}:${override.modelId}: ${problem}`);
    const contextWindow = lookupCatalog(provider, modelId, at)?.contextWindow;
    return {
      price: override.price,
      source: "override",
      matchedModelId: canonical,
      ...(contextWindow === undefined ? {} : { contextWindow }),
    };
  }
  return lookupCatalog(provider, modelId, at);
}

/** The rates that apply to a call: every token price resolved (audio prices stay unknown, `undefined`, when absent). */
export type PriceRates = Required<Omit<PriceLevel, "inputAudio" | "outputAudio">> & Pick<PriceLevel, "inputAudio" | "outputAudio">;

/** The price level that applies to a call whose prompt totals `totalInput` tokens (see ModelPrice.tiers). */
export function priceLevelFor(price: ModelPrice, totalInput: number): PriceRates {
  let level: PriceLevel = price;
  for (const tier of [...(price.tiers ?? [])].sort((a, b) => a.above - b.above)) {
    if (totalInput > tier.above) level = tier;
  }
  return {
    input: level.input,
    output: level.output,
    cacheRead: level.cacheRead ?? level.input,
    cacheWrite: level.cacheWrite ?? level.input,
    reasoning: level.reasoning ?? level.output,
    cacheWrite1h: level.cacheWrite1h ?? 2 * level.input,
    inputAudio: level.inputAudio,
    outputAudio: level.outputAudio,
  };
}

/**
 * Published per-request prices of server-side tools where the bundled data has none, in nano-USD per request
 * (checked 2026-12-02). The first entry whose provider matches and whose model pattern matches the model id wins.
 */
export const TOOL_FEES: readonly { provider: ProviderId; model: RegExp; tool: ServerTool; nanoPerRequest: number; source: string }[] = [
  // "$10 per 1,000 searches" — https://docs.claude.com/en/docs/agents-and-tools/tool-use/web-search-tool (pricing)
  { provider: "anthropic", model: /claude/, tool: "web_search", nanoPerRequest: 10_000_000, source: "https://docs.claude.com/en/docs/agents-and-tools/tool-use/web-search-tool" },
  // "Web fetch is available at no additional cost" (only its tokens) — https://docs.claude.com/en/docs/agents-and-tools/tool-use/web-fetch-tool
  { provider: "anthropic", model: /claude/, tool: "web_fetch", nanoPerRequest: 0, source: "https://docs.claude.com/en/docs/agents-and-tools/tool-use/web-fetch-tool" },
  // Web search tool calls: "$10.00 / 1k calls" — https://platform.openai.com/docs/pricing#built-in-tools
  { provider: "openai", model: /./, tool: "web_search", nanoPerRequest: 10_000_000, source: "https://platform.openai.com/docs/pricing#built-in-tools" },
  // Gemini 3: grounding with Google Search "$14 / 1,000 search queries" — https://ai.google.dev/gemini-api/docs/pricing
  { provider: "google", model: /^gemini-3/, tool: "web_search", nanoPerRequest: 14_000_000, source: "https://ai.google.dev/gemini-api/docs/pricing" },
  // Gemini 2.x: grounding with Google Search "$35 / 1,000 grounded prompts" (beyond the free daily requests, which
  // we cannot see, so every grounded prompt is billed) — https://ai.google.dev/gemini-api/docs/pricing
  { provider: "google", model: /^gemini-2/, tool: "grounded_prompt", nanoPerRequest: 35_000_000, source: "https://ai.google.dev/gemini-api/docs/pricing" },
];

/** The fee of one request of `tool`: the price's own (override or data), else TOOL_FEES; null when unknown. */
export function toolFeeFor(provider: ProviderId, modelId: string, price: ModelPrice, tool: ServerTool): number | null {
  const own = price.perRequest?.[tool];
  if (own !== undefined) return own;
  const { modelId: canonical } = normaliseModelId(provider, modelId);
  const bare = canonical.includes("/") ? canonical.slice(canonical.indexOf("/") + 1) : canonical;
  return TOOL_FEES.find((f) => f.provider === provider && f.tool === tool && f.model.test(bare))?.nanoPerRequest ?? null;
}

function assertUsage(usage: TokenUsage): void {
  for (const key of ["inputNoCache", "cacheRead", "cacheWrite", "output", "reasoning", "cacheWrite1h", "audioInput", "audioOutput"] as const) {
    const value = usage[key] ?? 0;
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Invalid token count ${key}=${String(value)}: expected a non-negative integer`);
  }
  for (const [tool, value] of Object.entries(usage.serverTools ?? {})) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Invalid request count ${tool}=${String(value)}: expected a non-negative integer`);
  }
  if (usage.reasoning > usage.output) {
    throw new RangeError(`Invalid token usage: reasoning (${usage.reasoning}) is part of output (${usage.output}) and cannot exceed it`);
  }
  if ((usage.cacheWrite1h ?? 0) > usage.cacheWrite) throw new RangeError(`Invalid token usage: cacheWrite1h is part of cacheWrite and cannot exceed it`);
  if ((usage.audioInput ?? 0) > usage.inputNoCache) throw new RangeError(`Invalid token usage: audioInput is part of inputNoCache and cannot exceed it`);
  if ((usage.audioOutput ?? 0) > usage.output - usage.reasoning) throw new RangeError(`Invalid token usage: audioOutput is part of the non-reasoning output and cannot exceed it`);
}

/** n / 1,000,000 rounded half-up (n >= 0). */
const roundPerMTok = (scaled: bigint): bigint => (scaled + HALF_PRICE_UNIT) / TOKENS_PER_PRICE_UNIT;

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`Cost ${value} nano-USD exceeds the safe integer range`);
  return Number(value);
}

/**
 * The cost of one model call in integer nano-USD. Throws a RangeError for invalid token counts (negative, fractional,
 * reasoning > output) or an invalid override price.
 */
export function costOf(provider: ProviderId, modelId: string, usage: TokenUsage, options?: PriceBookOptions): CostResult {
  assertUsage(usage);
  const found = lookupPrice(provider, modelId, options);
  if (!found) return { priced: false, reason: "unknown_model" };
  return costAt(provider, modelId, found, usage);
}

/** The cost of one call at a price already looked up (`lookupPrice`): a metered call looks its price up once. */
export function costAt(provider: ProviderId, modelId: string, found: PriceLookup, usage: TokenUsage): Extract<CostResult, { priced: true }> {
  assertUsage(usage);

  const rate = priceLevelFor(found.price, usage.inputNoCache + usage.cacheRead + usage.cacheWrite);
  const unknownRates: string[] = [];
  const big = BigInt;
  const audioIn = usage.audioInput ?? 0;
  const audioOut = usage.audioOutput ?? 0;
  const write1h = usage.cacheWrite1h ?? 0;
  if (audioIn > 0 && rate.inputAudio === undefined) unknownRates.push("audio_input");
  if (audioOut > 0 && rate.outputAudio === undefined) unknownRates.push("audio_output");
  // Each bucket: tokens × nano-USD per MTok — exact, still scaled by 1e6.
  const input = big(usage.inputNoCache - audioIn) * big(rate.input) + big(audioIn) * big(rate.inputAudio ?? rate.input);
  const cacheRead = big(usage.cacheRead) * big(rate.cacheRead);
  const cacheWrite1h = big(write1h) * big(rate.cacheWrite1h);
  const cacheWrite = big(usage.cacheWrite - write1h) * big(rate.cacheWrite) + cacheWrite1h;
  const output =
    big(usage.output - usage.reasoning - audioOut) * big(rate.output) +
    big(usage.reasoning) * big(rate.reasoning) +
    big(audioOut) * big(rate.outputAudio ?? rate.output);
  // Per-request fees are whole nano-USD: exact, scaled like the rest so the total is still rounded once.
  let tools = 0n;
  for (const tool of SERVER_TOOLS) {
    const requests = usage.serverTools?.[tool] ?? 0;
    if (requests === 0) continue;
    const fee = toolFeeFor(provider, modelId, found.price, tool);
    if (fee === null) unknownRates.push(`tool:${tool}`);
    else tools += big(requests) * big(fee);
  }

  return {
    priced: true,
    costNanoUsd: toSafeNumber(roundPerMTok(input + cacheRead + cacheWrite + output + tools * TOKENS_PER_PRICE_UNIT)),
    source: found.source,
    matchedModelId: found.matchedModelId,
    breakdown: {
      input: toSafeNumber(roundPerMTok(input)),
      cacheRead: toSafeNumber(roundPerMTok(cacheRead)),
      cacheWrite: toSafeNumber(roundPerMTok(cacheWrite)),
      cacheWrite1h: toSafeNumber(roundPerMTok(cacheWrite1h)),
      output: toSafeNumber(roundPerMTok(output)),
      tools: toSafeNumber(tools),
    },
    toolCostNano: toSafeNumber(tools),
    unknownRates,
  };
}
