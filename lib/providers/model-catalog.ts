import "server-only";
import { listProviderKeys } from "@/db/queries/provider-keys";
import { getSystemKeyPolicy } from "@/db/queries/prices";
import { AppError } from "@/lib/errors";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import { lookupPrice, type PriceOverride } from "@/lib/pricing/price-book";
import { formatModelRef, type ModelRef } from "./model-ref";
import { BUILT_IN_PROVIDERS, PROVIDERS, systemKey, type BuiltInProvider, type ProviderKind } from "./registry";

export interface ModelOption {
  ref: string;
  modelId: string;
  /** nano-USD per million tokens, when the price book knows the model. */
  price: { input: number; output: number } | null;
  contextWindow: number | null;
}

export interface ModelGroup {
  provider: ProviderKind;
  label: string;
  keySource: "user" | "system";
  endpointId?: string;
  models: ModelOption[];
  /** OpenAI-compatible endpoints take any model id the user types. */
  allowsCustomModel: boolean;
}

/** Shown when the provider has not listed its models to us (system keys, or a key we could not verify). */
export const DEFAULT_MODELS: Record<BuiltInProvider, string[]> = {
  openai: ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o4-mini", "o3"],
  anthropic: ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"],
  google: ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite"],
  openrouter: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"],
};

const NOT_CHAT = /(embed|tts|whisper|dall-e|davinci|babbage|audio|realtime|transcribe|image|moderation|search|computer-use|codex)/i;

/** Keeps the chat models out of what a provider lists (OpenAI lists embeddings, speech, images…). */
export function chatModelsOf(provider: BuiltInProvider, listed: string[]): string[] {
  const keep = listed.filter((id) => {
    if (NOT_CHAT.test(id)) return false;
    if (provider === "openai") return /^(gpt-|o\d|chatgpt-)/.test(id);
    if (provider === "anthropic") return id.startsWith("claude-");
    if (provider === "google") return id.startsWith("gemini-");
    return true;
  });
  return [...new Set(keep)].sort();
}

function option(ref: ModelRef, overrides: PriceOverride[]): ModelOption {
  const found = lookupPrice(ref.provider, ref.modelId, { overrides });
  return {
    ref: formatModelRef(ref),
    modelId: ref.modelId,
    price: found ? { input: found.price.input, output: found.price.output } : null,
    contextWindow: found?.contextWindow ?? null,
  };
}

/** The models a user can pick, grouped by provider: providers they have a key for, plus admin-allowed system keys. */
export async function listModelGroups(userId: string): Promise<ModelGroup[]> {
  const [keys, policy, overrides] = await Promise.all([listProviderKeys({ userId }), getSystemKeyPolicy(), loadPriceOverrides()]);
  const groups: ModelGroup[] = [];
  for (const provider of BUILT_IN_PROVIDERS) {
    const own = keys.find((k) => k.provider === provider && k.status !== "rejected" && k.encryptedKey);
    const system = !own && systemKey(provider) && policy[provider] === true;
    if (!own && !system) continue;
    const listed = own?.models?.length ? chatModelsOf(provider, own.models) : [];
    const ids = listed.length > 0 ? listed : DEFAULT_MODELS[provider];
    groups.push({
      provider,
      label: PROVIDERS[provider].label,
      keySource: own ? "user" : "system",
      models: ids.map((modelId) => option({ provider, modelId }, overrides)),
      allowsCustomModel: false,
    });
  }
  for (const endpoint of keys.filter((k) => k.provider === "openai-compatible")) {
    groups.push({
      provider: "openai-compatible",
      label: endpoint.name,
      keySource: "user",
      endpointId: endpoint.id,
      models: (endpoint.models ?? []).map((modelId) =>
        option({ provider: "openai-compatible", endpointId: endpoint.id, modelId }, overrides),
      ),
      allowsCustomModel: true,
    });
  }
  return groups;
}

/** A built-in provider the user has no key for: its usual models, shown greyed in the picker with a link to add a key. */
export interface LockedModelGroup {
  provider: BuiltInProvider;
  label: string;
  models: ModelOption[];
}

/** The built-in providers missing from `available` (the user's own groups), with the models a key would unlock. */
export async function listLockedModelGroups(available: ModelGroup[]): Promise<LockedModelGroup[]> {
  const missing = BUILT_IN_PROVIDERS.filter((provider) => !available.some((group) => group.provider === provider));
  if (missing.length === 0) return [];
  const overrides = await loadPriceOverrides();
  return missing.map((provider) => ({
    provider,
    label: PROVIDERS[provider].label,
    models: DEFAULT_MODELS[provider].map((modelId) => option({ provider, modelId }, overrides)),
  }));
}

/** Refuses a model the user cannot call (no key for its provider, someone else's endpoint, not listed). */
export async function assertModelAvailable(userId: string, ref: ModelRef): Promise<void> {
  const groups = await listModelGroups(userId);
  const group = groups.find((g) => g.provider === ref.provider && g.endpointId === ref.endpointId);
  if (!group) {
    if (ref.provider === "openai-compatible") throw new AppError("unknown_model", "That endpoint does not exist. Add it under API keys first.");
    throw new AppError("api_key_required", `Add ${/^[AEIOU]/.test(PROVIDERS[ref.provider].label) ? "an" : "a"} ${PROVIDERS[ref.provider].label} key in Settings → API keys to use ${ref.modelId}.`, {
      details: { provider: ref.provider, settingsUrl: "/settings?tab=keys" },
    });
  }
  if (!group.allowsCustomModel && !group.models.some((m) => m.modelId === ref.modelId)) {
    throw new AppError("unknown_model", `${group.label} does not offer “${ref.modelId}” to your key.`);
  }
}
