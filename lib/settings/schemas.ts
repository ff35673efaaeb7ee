import { z } from "zod";
import { text } from "@/lib/validation/text";
import { BUILT_IN_PROVIDERS } from "@/lib/providers/registry";
import { formatUsdExact, parseUsdToNano } from "@/lib/money";
import { isValidTimeZone } from "@/lib/budgets/periods";

/** Alert thresholds as typed: whole percentages from 1 to 100, separated by commas; at most 10, sorted, once each. */
export const thresholdsField = text()
  .trim()
  .transform((value, ctx) => {
    const parts = value.split(/[,\s]+/).filter(Boolean);
    const numbers = parts.map(Number);
    if (parts.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 100)) {
      ctx.addIssue({ code: "custom", message: "Use whole percentages from 1 to 100, separated by commas, like 50, 80, 100." });
      return z.NEVER;
    }
    const unique = [...new Set(numbers)].sort((a, b) => a - b);
    if (unique.length > 10) {
      ctx.addIssue({ code: "custom", message: "Use at most 10 thresholds." });
      return z.NEVER;
    }
    return unique;
  });

const apiKey = text()
  .trim()
  .min(8, "That key is too short to be a real key.")
  .max(512, "That key is too long.")
  .regex(/^[\x21-\x7e]+$/, "Paste the key exactly: no spaces, line breaks or special characters.");

export const builtInKeySchema = z.object({
  provider: z.enum(BUILT_IN_PROVIDERS, { error: "Choose a provider." }),
  apiKey,
});

export const compatEndpointSchema = z.object({
  provider: z.literal("openai-compatible"),
  name: text()
    .trim()
    .min(1, "Give the endpoint a name, like “Ollama”.")
    .max(40, "Use at most 40 characters.")
    .regex(/^[\p{L}\p{N} _.-]+$/u, "Use letters, digits, spaces, dots, dashes or underscores."),
  baseUrl: text()
    .trim()
    .min(1, "Enter the base URL, like http://localhost:11434/v1.")
    .max(500)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password;
      } catch {
        return false;
      }
    }, "Enter an http:// or https:// URL, like http://localhost:11434/v1.")
    .transform((value) => value.replace(/\/+$/, "")),
  apiKey: text()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(apiKey.optional()),
});

export const saveKeySchema = z.discriminatedUnion("provider", [builtInKeySchema, compatEndpointSchema], {
  error: "Choose a provider: OpenAI, Anthropic, Google, OpenRouter or an OpenAI-compatible endpoint.",
});
export type SaveKeyInput = z.infer<typeof saveKeySchema>;

const MAX_BUDGET_USD = 1_000_000;

/** An optional USD amount: empty → null (no limit); else more than $0 and at most `maxUsd`, exact to the nano. */
export const optionalUsdLimit = (label: string, maxUsd: number) =>
  text()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const nano = parseUsdToNano(value);
      if (nano === null) {
        ctx.addIssue({ code: "custom", message: `Enter the ${label} in dollars, like 20 or 12.50.` });
        return z.NEVER;
      }
      if (nano <= 0 || nano > maxUsd * 1e9) {
        ctx.addIssue({ code: "custom", message: `The ${label} must be more than $0 and at most ${formatUsdExact(maxUsd * 1e9)}.` });
        return z.NEVER;
      }
      return nano;
    });

const optionalUsd = (label: string) => optionalUsdLimit(label, MAX_BUDGET_USD);

export const budgetSchema = z.object({
  monthlyUsd: optionalUsd("monthly budget"),
  dailyUsd: optionalUsd("daily budget"),
  monthlyTokens: text()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const clean = value.replace(/[_,\s]/g, "");
      if (!/^\d{1,13}$/.test(clean) || Number(clean) < 1) {
        ctx.addIssue({ code: "custom", message: "Enter a whole number of tokens, like 2000000." });
        return z.NEVER;
      }
      return Number(clean);
    }),
  mode: z.enum(["enforce", "warn"], { error: "Choose whether the budget blocks requests or only warns." }),
  alertThresholds: thresholdsField,
  timeZone: text()
    .trim()
    .refine(isValidTimeZone, "Choose a time zone from the list, like Europe/Berlin."),
});
export type BudgetInput = z.infer<typeof budgetSchema>;
