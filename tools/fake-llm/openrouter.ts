import type { ServerResponse } from "node:http";
import { bearer, redactKey, sendJson, type FakeProvider, type FakeRequest } from "./http";
import { handleChatCompletions, type ChatFlavour } from "./openai";
import type { Script, TokenUsage } from "./script";

/**
 * OpenRouter at `${url}/openrouter/v1` (the real one is https://openrouter.ai/api/v1):
 *   POST /chat/completions  OpenAI's format; ids "gen-…", a `provider` field, a ": OPENROUTER PROCESSING" SSE
 *                           comment first, and usage with `cost` (USD), `is_byok`, `cost_details`,
 *                           `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens`
 *                           (`[[byok:USD]]`: a BYOK answer, see script.ts).
 *                           Streams always end with the usage chunk (OpenRouter no longer needs `include_usage`).
 *   GET  /models            public (no key needed, as on OpenRouter): { data: [{ id, name, context_length, pricing }] }
 *   GET  /key               the key's info: { data: { label, usage, limit, is_free_tier, … } }
 * Cost: `[[cost:0.00012]]` sets it; otherwise it is computed at a fixed fake rate whatever the model —
 * $0.15 per million prompt tokens and $0.60 per million completion tokens (gpt-4o-mini's list price), no cache discount.
 * Errors: { error: { code, message } }.
 */

export const FAKE_PROMPT_PRICE_PER_TOKEN = 0.00000015;
export const FAKE_COMPLETION_PRICE_PER_TOKEN = 0.0000006;

const OPENROUTER_MODELS = [
  { id: "openai/gpt-4o-mini", name: "OpenAI: GPT-4o-mini", context_length: 128_000, prompt: "0.00000015", completion: "0.0000006" },
  { id: "anthropic/claude-sonnet-4.5", name: "Anthropic: Claude Sonnet 4.5", context_length: 1_000_000, prompt: "0.000003", completion: "0.000015" },
  { id: "google/gemini-2.5-flash", name: "Google: Gemini 2.5 Flash", context_length: 1_048_576, prompt: "0.0000003", completion: "0.0000025" },
  { id: "openai/gpt-oss-20b:free", name: "OpenAI: gpt-oss-20b (free)", context_length: 131_072, prompt: "0", completion: "0" },
];

const UPSTREAM_NAMES: Record<string, string> = { openai: "OpenAI", anthropic: "Anthropic", google: "Google", "meta-llama": "Meta" };

export function openRouterError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message } });
}

/** The cost OpenRouter would report: the scripted one, or tokens at the fixed fake rate. */
export function fakeCost(u: TokenUsage, script: Script): number {
  if (script.cost !== undefined) return script.cost;
  const cost = u.input * FAKE_PROMPT_PRICE_PER_TOKEN + u.output * FAKE_COMPLETION_PRICE_PER_TOKEN;
  return Math.round(cost * 1e12) / 1e12;
}

export function openRouterUsage(u: TokenUsage, script: Script) {
  const cost = fakeCost(u, script);
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    cost,
    is_byok: script.byokUpstreamCost !== undefined,
    prompt_tokens_details: { cached_tokens: u.cacheRead, ...(u.cacheWrite ? { cache_write_tokens: u.cacheWrite } : {}), audio_tokens: u.audioIn },
    // BYOK: `cost` is OpenRouter's fee and the provider's charge comes beside it; otherwise the upstream cost is `cost`.
    cost_details: { upstream_inference_cost: script.byokUpstreamCost === undefined ? cost : script.byokUpstreamCost, upstream_inference_prompt_cost: 0, upstream_inference_completions_cost: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning, image_tokens: 0 },
  };
}

const OPENROUTER_FLAVOUR: ChatFlavour = {
  idPrefix: "gen-",
  error: openRouterError,
  usage: openRouterUsage,
  alwaysStreamUsage: true,
  extra: (model) => ({ provider: UPSTREAM_NAMES[model.split("/")[0] ?? ""] ?? "OpenAI" }),
  keepAlive: "OPENROUTER PROCESSING",
  systemFingerprint: null,
  reasoningField: "reasoning",
};

function modelResource(m: (typeof OPENROUTER_MODELS)[number]) {
  return {
    id: m.id,
    canonical_slug: m.id.replace(/:free$/, ""),
    name: m.name,
    created: 1_721_260_800,
    description: `${m.name} (fake)`,
    context_length: m.context_length,
    architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["text"], tokenizer: "Other", instruct_type: null },
    pricing: { prompt: m.prompt, completion: m.completion, request: "0", image: "0", web_search: "0", internal_reasoning: "0" },
    top_provider: { context_length: m.context_length, max_completion_tokens: 16_384, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ["max_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "response_format"],
  };
}

async function handleOpenRouter(req: FakeRequest, res: ServerResponse): Promise<void> {
  const route = `${req.method} ${req.path}`;
  if (route === "POST /chat/completions") return handleChatCompletions(req, res, OPENROUTER_FLAVOUR);
  if (route === "GET /models") return sendJson(res, 200, { data: OPENROUTER_MODELS.map(modelResource) });
  if (route === "GET /key") {
    const key = bearer(req.headers.authorization) ?? "";
    return sendJson(res, 200, {
      data: {
        label: redactKey(key),
        limit: null,
        usage: 0,
        usage_daily: 0,
        usage_weekly: 0,
        usage_monthly: 0,
        is_free_tier: false,
        is_provisioning_key: false,
        limit_remaining: null,
        limit_reset: null,
      },
    });
  }
  openRouterError(res, 404, "Not Found");
}

export const openRouterProvider: FakeProvider = {
  version: "v1",
  key: (req) => bearer(req.headers.authorization),
  isPublic: (method, path) => method === "GET" && path === "/models",
  unauthorized: (res, key) => openRouterError(res, 401, key ? "User not found." : "No auth credentials found"),
  error: openRouterError,
  handle: handleOpenRouter,
};
