import "server-only";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { listProviderKeys } from "@/db/queries/provider-keys";
import { getSystemKeyPolicyFor } from "@/db/queries/prices";
import { getUserSettings } from "@/db/queries/settings";
import type { ProviderKey } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/key-vault";
import { AppError } from "@/lib/errors";
import { parseModelRef, type ModelRef } from "./model-ref";
import { upstreamFetch } from "./upstream-fetch";
import { BUILT_IN_PROVIDERS, PROVIDERS, providerBaseUrl, systemKey, type BuiltInProvider, type ProviderKind } from "./registry";

export type KeySource = "user" | "system";
export type ModelPurpose = "chat" | "background";

export interface ResolvedModel {
  model: LanguageModel;
  provider: ProviderKind;
  modelId: string;
  endpointId?: string;
  /** The OpenAI-compatible endpoint's name (error messages name it). */
  endpointName?: string;
  keySource: KeySource;
  /** Where and with which key the gateway forwards a request as it is (never sent to a browser or logged). */
  upstream?: { baseUrl: string; apiKey: string | undefined };
}

// Decrypted keys live in memory for a few seconds at most (never written anywhere), so a burst of requests does
// not decrypt the same key again and again. The row's updatedAt is part of the cache key: a replaced key is
// never served from the cache.
const KEY_CACHE_MS = 10_000;
const keyCache = new Map<string, { key: string | undefined; expires: number }>();

function decryptedKey(row: ProviderKey): string | undefined {
  const cacheKey = `${row.id}:${row.updatedAt.getTime()}`;
  const cached = keyCache.get(cacheKey);
  if (cached && cached.expires > Date.now()) return cached.key;
  const key = row.encryptedKey ? decryptSecret(row.encryptedKey, row.userId) : undefined;
  keyCache.set(cacheKey, { key, expires: Date.now() + KEY_CACHE_MS });
  if (keyCache.size > 1000) {
    for (const [k, v] of keyCache) if (v.expires <= Date.now()) keyCache.delete(k);
  }
  return key;
}

export function apiKeyRequired(provider: ProviderKind, modelId?: string): AppError {
  const label = PROVIDERS[provider].label;
  return new AppError(
    "api_key_required",
    `${modelId ? `${modelId} needs` : "This needs"} ${/^[AEIOU]/.test(label) ? "an" : "a"} ${label} key. Add one in Settings → API keys.`,
    { details: { provider, settingsUrl: "/settings?tab=keys" } },
  );
}

function instantiate(ref: ModelRef, baseUrl: string, apiKey: string | undefined): LanguageModel {
  switch (ref.provider) {
    case "openai":
      // .chat(): chat completions, which report streamed usage (stream_options.include_usage).
      return createOpenAI({ baseURL: baseUrl, apiKey, fetch: upstreamFetch }).chat(ref.modelId);
    case "anthropic":
      return createAnthropic({ baseURL: baseUrl, apiKey, fetch: upstreamFetch })(ref.modelId);
    case "google":
      return createGoogleGenerativeAI({ baseURL: baseUrl, apiKey, fetch: upstreamFetch })(ref.modelId);
    case "openrouter":
      return createOpenAICompatible({ name: "openrouter", baseURL: baseUrl, apiKey, includeUsage: true, fetch: upstreamFetch })(ref.modelId);
    case "openai-compatible":
      return createOpenAICompatible({ name: "openai-compatible", baseURL: baseUrl, apiKey, includeUsage: true, fetch: upstreamFetch })(ref.modelId);
  }
}

/**
 * The resolved model with its AI SDK model made when first asked for: the gateway and the chat's fast path call the
 * provider without it, and making one costs up to a quarter of a millisecond (createOpenAICompatible).
 */
function resolvedAt(ref: ModelRef, baseUrl: string, apiKey: string | undefined, rest: Pick<ResolvedModel, "keySource" | "endpointId" | "endpointName">): ResolvedModel {
  let model: LanguageModel | undefined;
  return {
    get model() {
      return (model ??= instantiate(ref, baseUrl, apiKey));
    },
    provider: ref.provider,
    modelId: ref.modelId,
    ...rest,
    upstream: { baseUrl, apiKey },
  };
}

/** What resolving a user's model reads: their default model, their keys and endpoints, the deployment-key policy. */
export interface ModelSources {
  defaultModel: string | null;
  keys: ProviderKey[];
  /**
   * Which providers' deployment keys this user may use: opened to everyone or to their team by an admin (read only
   * when a deployment key is configured).
   */
  systemKeyPolicy: Partial<Record<ProviderKind, boolean>>;
}

/** Reads a user's model sources (in parallel: one round trip's wait). */
export async function loadModelSources(userId: string): Promise<ModelSources> {
  const [settings, keys, systemKeyPolicy] = await Promise.all([
    getUserSettings({ userId }),
    listProviderKeys({ userId }),
    anySystemKey() ? getSystemKeyPolicyFor({ userId }) : Promise.resolve({}),
  ]);
  return { defaultModel: settings.defaultModel ?? null, keys, systemKeyPolicy };
}

function anySystemKey(): boolean {
  return BUILT_IN_PROVIDERS.some((provider) => Boolean(systemKey(provider)));
}

/**
 * The model a user's request runs on, with the key it runs under. Precedence: explicit override (a chat's picked
 * model, an assistant's preferred model) > the user's default > DEFAULT_MODEL. A user's own key first; the
 * deployment's key only where an admin allowed it for everyone or for the user's team — background work (titles)
 * prefers it there — still counted against the user.
 * No usable key → `api_key_required`, before any upstream call.
 */
export async function resolveUserModel(
  userId: string,
  options: { override?: string | null; purpose?: ModelPurpose } = {},
): Promise<ResolvedModel> {
  return resolveModelFrom(await loadModelSources(userId), options);
}

/** `resolveUserModel` on sources the caller already read. */
export function resolveModelFrom(sources: ModelSources, { override, purpose = "chat" }: { override?: string | null; purpose?: ModelPurpose } = {}): ResolvedModel {
  const refText = override || sources.defaultModel || process.env.DEFAULT_MODEL?.trim();
  if (!refText) throw new AppError("model_required");
  const ref = parseModelRef(refText);
  if (!ref) throw new AppError("unknown_model", `“${refText}” is not a model this app knows how to call.`);

  if (ref.provider === "openai-compatible") {
    const endpoint = sources.keys.find((key) => key.id === ref.endpointId);
    if (!endpoint?.baseUrl) {
      throw new AppError("unknown_model", "That OpenAI-compatible endpoint no longer exists. Pick another model.", {
        details: { settingsUrl: "/settings?tab=keys" },
      });
    }
    return resolvedAt(ref, endpoint.baseUrl, decryptedKey(endpoint), { endpointId: endpoint.id, endpointName: endpoint.name, keySource: "user" });
  }

  const provider = ref.provider as BuiltInProvider;
  const baseUrl = providerBaseUrl(provider);
  const deploymentKey = systemKey(provider);
  // The deployment's key is this user's to use only where an admin opened it to everyone or to their team.
  const deploymentAllowed = Boolean(deploymentKey) && sources.systemKeyPolicy[provider] === true;
  // Background work (titles) prefers the deployment's key where allowed, still counted against the user.
  if (purpose === "background" && deploymentAllowed && deploymentKey) {
    return resolvedAt(ref, baseUrl, deploymentKey, { keySource: "system" });
  }
  const own = sources.keys.find((key) => key.provider === provider && key.name === provider);
  if (own && own.status !== "rejected" && own.encryptedKey) {
    return resolvedAt(ref, baseUrl, decryptedKey(own), { keySource: "user" });
  }
  if (deploymentAllowed && deploymentKey) return resolvedAt(ref, baseUrl, deploymentKey, { keySource: "system" });
  throw apiKeyRequired(provider, ref.modelId);
}
