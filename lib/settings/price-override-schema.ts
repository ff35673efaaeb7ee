import { z } from "zod";
import { text } from "@/lib/validation/text";
import { parseUsdToNano } from "@/lib/money";
import { PROVIDER_KINDS } from "@/lib/providers/kinds";

const MAX_PER_MTOK_USD = 10_000;

function parsePerMTok(label: string, value: string, ctx: z.RefinementCtx): number {
  const nano = parseUsdToNano(value);
  if (nano === null || nano > MAX_PER_MTOK_USD * 1e9) {
    ctx.addIssue({ code: "custom", message: `Enter the ${label} price as dollars per million tokens, from 0 to 10000, like 0.15.` });
    return z.NEVER;
  }
  return nano;
}

const requiredPerMTok = (label: string) =>
  text(`Enter the ${label} price in dollars per million tokens (0 is fine).`)
    .trim()
    .min(1, `Enter the ${label} price in dollars per million tokens (0 is fine).`)
    .transform((value, ctx) => parsePerMTok(label, value, ctx));

const optionalPerMTok = (label: string) =>
  text()
    .trim()
    .optional()
    .transform((value, ctx): number | null => (value ? parsePerMTok(label, value, ctx) : null));

export const priceOverrideSchema = z.object({
  provider: z.enum(PROVIDER_KINDS, { error: "Choose a provider." }),
  modelId: text()
    .trim()
    .min(1, "Enter the model id, like gpt-4o or llama3.2.")
    .max(200, "That model id is too long.")
    .regex(/^[\x21-\x7e]+$/, "A model id has no spaces."),
  input: requiredPerMTok("input"),
  output: requiredPerMTok("output"),
  cacheRead: optionalPerMTok("cache read"),
  cacheWrite: optionalPerMTok("cache write"),
  note: text().trim().max(200, "Use at most 200 characters.").optional().transform((v) => v || null),
});
export type PriceOverrideInput = z.infer<typeof priceOverrideSchema>;
