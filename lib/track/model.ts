import type { ProviderKind } from "@/db/schema";
import { lookupPrice, type PriceOverride } from "@/lib/pricing/price-book";
import { parseModelRef } from "@/lib/providers/model-ref";
import { BUILT_IN_PROVIDERS } from "@/lib/providers/registry";

/** The model of an event that names none (a skill use without token counts). */
export const NO_MODEL = "unknown";

const PROVIDERS: readonly ProviderKind[] = ["openai", "anthropic", "google", "openrouter", "openai-compatible"];
const ALIASES: Record<string, ProviderKind> = { gemini: "google", "google-gla": "google", "google-vertex": "google", vertex: "google", claude: "anthropic" };

/**
 * The (provider, model) an event's `model_name` and `provider` name, for storage and pricing:
 *  - a model ref (`openai:gpt-4o-mini`, `openai-compatible:<endpoint>:llama3`) names both;
 *  - else `provider`, when it is one of ours (or an alias: gemini → google);
 *  - else, with no provider, the first built-in provider whose price book (overrides included) knows the plain id;
 *  - else `openai-compatible`, the catch-all for models we cannot place (priced only by an admin override). A provider
 *    we do not know (`mistral`) is kept in the model id, `mistral/mistral-large`, so nothing is lost.
 * An unknown model is never refused: it is stored unpriced.
 */
export function trackedModel(modelName: string | undefined, provider: string | undefined, overrides: PriceOverride[]): { provider: ProviderKind; modelId: string } {
  const model = modelName ?? NO_MODEL;
  const ref = modelName ? parseModelRef(modelName) : null;
  if (ref) return { provider: ref.provider, modelId: ref.modelId };
  if (provider !== undefined) {
    const named = provider.toLowerCase();
    const kind = (PROVIDERS as readonly string[]).includes(named) ? (named as ProviderKind) : Object.hasOwn(ALIASES, named) ? ALIASES[named] : undefined;
    if (kind) return { provider: kind, modelId: model };
    return { provider: "openai-compatible", modelId: `${named}/${model}` };
  }
  if (modelName) {
    for (const candidate of BUILT_IN_PROVIDERS) if (lookupPrice(candidate, modelName, { overrides })) return { provider: candidate, modelId: modelName };
  }
  return { provider: "openai-compatible", modelId: model };
}
