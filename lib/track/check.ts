import "server-only";
import { z } from "zod";
import type { ApiTokenRow } from "@/db/queries/api-tokens";
import { outputCostCeil } from "@/lib/budgets/ledger";
import { loadPriceOverrides } from "@/lib/pricing/overrides";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { defaultMaxOutputTokens, meteredCall } from "@/lib/usage/metered-call";
import { text } from "@/lib/validation/text";
import { checkBudget, type CheckResult } from "./budget";
import { trackedModel } from "./model";

/**
 * `GET /api/budget/check?model=&estimated_tokens=&max_output_tokens=`: may a call of this size go ahead now?
 * `estimated_tokens` is the prompt's input tokens (what the providers' token counters return, e.g. Anthropic's
 * `count_tokens` `input_tokens`), priced as uncached input at the model's price; `max_output_tokens` is the output
 * the call may produce (default: the chat default, 4096), priced at the dearer of the output and reasoning rates.
 * The model is read like a tracked event's (a model ref, or a plain id with an optional `provider`). Without a model,
 * the answer says whether every enforced budget has anything left. Asked with a token that has its own monthly budget,
 * that budget counts too. Nothing is reserved.
 */

const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, "must be a whole number of tokens")
    .transform(Number)
    .refine((n) => n <= max, `must be at most ${max.toLocaleString("en-US")}`);

export const checkQuerySchema = z.object({
  model: text().trim().min(1).max(300, "model must be at most 300 characters").optional(),
  provider: text().trim().min(1).max(100, "provider must be at most 100 characters").optional(),
  estimated_tokens: count(100_000_000).optional(),
  max_output_tokens: count(10_000_000).optional(),
});

export async function budgetCheck(user: { id: string; timeZone: string | null }, query: z.output<typeof checkQuerySchema>, token: ApiTokenRow | null = null) {
  if (query.model === undefined) return { ...(await checkBudget(user, undefined, token)), model: null, estimated_cost_nano: null };
  const overrides = await loadPriceOverrides();
  const { provider, modelId } = trackedModel(query.model, query.provider, overrides);
  const target: ResolvedModel = { model: `${provider}:${modelId}`, provider, modelId, keySource: "user" };
  const call = meteredCall(target, { userId: user.id, feature: "api", source: "track", overrides });
  const estimate = call.estimate({ promptTokens: query.estimated_tokens ?? 0, maxOutputTokens: query.max_output_tokens ?? defaultMaxOutputTokens() });
  const result: CheckResult = await checkBudget(user, estimate, token);
  const priced = estimate.inputCostNano !== null && estimate.outputNanoPerMTok !== null;
  return {
    ...result,
    model: { provider, model: modelId, priced },
    // The most this call could cost at the requested output cap (nano-USD); null when the model is unpriced.
    estimated_cost_nano: priced ? estimate.inputCostNano! + outputCostCeil(estimate.maxOutputTokens, estimate.outputNanoPerMTok!) : null,
  };
}
