/**
 * Normalisation of (provider, model id) pairs, so that the many spellings of one model ("claude-sonnet-4.5",
 * "Claude-Sonnet-4-5-20250929", "anthropic/claude-sonnet-4.5" through OpenRouter…) meter against one price.
 *
 * Pure: no I/O, no "server-only" — usable from server code, tests and scripts alike.
 *
 * The canonical id (`modelId`) is what admin price overrides are stored and matched under, and it is built by:
 *  1. trimming and lower-casing;
 *  2. for "google": dropping the REST resource prefix "models/" ("models/gemini-2.5-flash" → "gemini-2.5-flash");
 *  3. for "openrouter": keeping the vendor prefix ("anthropic/…"), normalising only the part after it;
 *  4. splitting off a ":variant" tag; the Ollama default tag ":latest" is dropped ("llama3.2:latest" ≡ "llama3.2"),
 *     any other tag is kept because it can change the price (OpenRouter ":free", ":thinking"; Ollama ":70b");
 *  5. dropping a snapshot date suffix: "-20250929", "-2024-07-18", Vertex-style "@20250929";
 *  6. for Claude models, writing version dots as dashes, Anthropic's own spelling
 *     ("claude-sonnet-4.5" → "claude-sonnet-4-5", "claude-3.5-haiku" → "claude-3-5-haiku").
 *     Other families keep their dots: "gpt-4.1" and "gemini-2.5-pro" are the real names.
 *
 * Catalog look-ups (see `catalogCandidates`) try the id as sent before the canonical id, so a snapshot the bundled
 * data prices differently from its base model (e.g. "gpt-4o-2024-05-13" at $5/$15 vs "gpt-4o" at $2.50/$10) still gets
 * its own price.
 */

import { PROVIDER_KINDS, type ProviderKind } from "@/lib/providers/kinds";

export type ProviderId = ProviderKind;

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDER_KINDS;

export interface NormalisedModelId {
  provider: ProviderId;
  /** Canonical id: what price overrides are keyed on, and what usage is grouped by. */
  modelId: string;
  /**
   * The first (providerId, model) pair tried in `@pydantic/genai-prices`. For "openai-compatible" there is no catalog:
   * these then just echo the input and must not be passed to genai-prices (its provider matching would map
   * "openai-compatible" to OpenAI's prices). Use `catalogCandidates` for the full, ordered list of look-ups.
   */
  lookupProvider: string;
  lookupModel: string;
}

/** A (provider, model) pair to look up in the bundled genai-prices data. */
export interface CatalogCandidate {
  provider: string;
  model: string;
}

/** OpenRouter vendor prefixes that are one of our first-party providers (same id in genai-prices). */
const FIRST_PARTY_VENDORS: ReadonlySet<string> = new Set(["openai", "anthropic", "google"]);

/** "-20250929", "-2024-07-18" or "@20250929" at the end of the id (plausible month and day only). */
const DATE_SUFFIX = /(?:[-@](20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])|-(20\d{2})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))$/;

interface ParsedId {
  /** Trimmed, lower-cased, google "models/" prefix removed. */
  raw: string;
  /** OpenRouter vendor prefix ("anthropic"), when there is one. */
  vendor: string | null;
  /** The model part as sent (no vendor prefix, no variant tag). */
  rawBase: string;
  /** The model part, canonical (date suffix dropped, Claude versions dashed). */
  base: string;
  /** ":variant" tag without the colon, ":latest" dropped; null when there is none. */
  variant: string | null;
}

function parse(provider: ProviderId, modelId: string): ParsedId {
  let raw = modelId.trim().toLowerCase();
  if (provider === "google" && raw.startsWith("models/")) raw = raw.slice("models/".length);

  let vendor: string | null = null;
  let rest = raw;
  if (provider === "openrouter") {
    const slash = raw.indexOf("/");
    if (slash > 0) {
      vendor = raw.slice(0, slash);
      rest = raw.slice(slash + 1);
    }
  }

  let variant: string | null = null;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    variant = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (variant === "latest" || variant === "") variant = null;
  }

  return { raw, vendor, rawBase: rest, base: canonicalBase(rest), variant };
}

function canonicalBase(base: string): string {
  let out = base.replace(DATE_SUFFIX, "");
  if (out === "") out = base;
  if (out.startsWith("claude-")) out = out.replace(/(\d)\.(\d)/g, "$1-$2");
  return out;
}

/** OpenRouter spells Claude versions with dots: "claude-sonnet-4-5" → "claude-sonnet-4.5", "claude-3-5-haiku" → "claude-3.5-haiku". */
function openRouterBase(base: string): string {
  if (!base.startsWith("claude-")) return base;
  return base.replace(/(?<=-)(\d)-(\d)(?=-|$)/g, "$1.$2");
}

function join(vendor: string | null, base: string, variant: string | null): string {
  return `${vendor === null ? "" : `${vendor}/`}${base}${variant === null ? "" : `:${variant}`}`;
}

/** The canonical form of a (provider, model id) pair. See the module comment for the rules. */
export function normaliseModelId(provider: ProviderId, modelId: string): NormalisedModelId {
  const parsed = parse(provider, modelId);
  const canonical = join(parsed.vendor, parsed.base, parsed.variant);
  const first = candidatesOf(provider, parsed)[0];
  return {
    provider,
    modelId: canonical,
    lookupProvider: first?.provider ?? provider,
    lookupModel: first?.model ?? canonical,
  };
}

/**
 * The (provider, model) pairs to try in the bundled genai-prices data, most specific first:
 *  - "openai" | "anthropic" | "google": the id as sent, then the canonical id, under the same provider;
 *  - "openrouter": OpenRouter's own catalog (what OpenRouter bills, including ":free" variants) with the id as sent,
 *    then in OpenRouter's spelling ("anthropic/claude-sonnet-4.5"); only if OpenRouter's catalog has no entry, and
 *    the vendor is a first-party provider of ours (openai/anthropic/google) and there is no ":variant" tag, the
 *    vendor's own catalog with the prefix stripped (OpenRouter passes those through at the vendor's list price);
 *  - "openai-compatible": none — self-hosted or third-party endpoints are priced only through admin overrides.
 */
export function catalogCandidates(provider: ProviderId, modelId: string): CatalogCandidate[] {
  return candidatesOf(provider, parse(provider, modelId));
}

function candidatesOf(provider: ProviderId, parsed: ParsedId): CatalogCandidate[] {
  const out: CatalogCandidate[] = [];
  const add = (p: string, model: string) => {
    if (model !== "" && !out.some((c) => c.provider === p && c.model === model)) out.push({ provider: p, model });
  };
  switch (provider) {
    case "openai-compatible":
      return out;
    case "openrouter":
      add("openrouter", parsed.raw);
      add("openrouter", join(parsed.vendor, openRouterBase(parsed.base), parsed.variant));
      if (parsed.vendor !== null && FIRST_PARTY_VENDORS.has(parsed.vendor) && parsed.variant === null) {
        add(parsed.vendor, parsed.rawBase);
        add(parsed.vendor, parsed.base);
      }
      return out;
    default:
      add(provider, parsed.raw);
      add(provider, join(null, parsed.base, parsed.variant));
      return out;
  }
}
