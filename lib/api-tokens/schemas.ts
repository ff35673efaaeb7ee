import { z } from "zod";
import type { ApiTokenScope } from "@/db/schema";
import { parseUsdToNano } from "@/lib/money";
import { dayProblem } from "@/lib/validation/dates";
import { text } from "@/lib/validation/text";
import { SCOPES } from "./scopes";

const MAX_BUDGET_NANO = 1_000_000 * 1_000_000_000;
const FEATURE = /^[\p{L}\p{N} _.:/-]+$/u;

/** An optional text field: blank (or absent) is null. */
const optionalText = () =>
  text()
    .trim()
    .optional()
    .transform((value) => (value ? value : null));

/**
 * Settings → API tokens → Create. `scopes` comes from the form's checkboxes (every checked value). Whether the expiry
 * day is still ahead is checked where the user's time zone is known (lib/api-tokens/tokens.ts).
 */
export const createApiTokenSchema = z.object({
  name: text("Give the token a name.")
    .trim()
    .min(1, "Give the token a name, like “CI” or “Claude Code”.")
    .max(80, "Use at most 80 characters."),
  scopes: z
    .array(z.enum(SCOPES as [ApiTokenScope, ...ApiTokenScope[]], { error: `Choose scopes from: ${SCOPES.join(", ")}.` }), {
      error: "Choose at least one scope.",
    })
    .min(1, "Choose at least one scope.")
    .max(SCOPES.length * 2, "Choose each scope at most once.")
    // Canonical order, each once.
    .transform((chosen) => SCOPES.filter((scope) => chosen.includes(scope))),
  expiresOn: optionalText().superRefine((value, ctx) => {
    const problem = value === null ? null : dayProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem === "Dates look like 2026-11-24." ? "Choose a date, like 2027-06-30, or leave it empty." : problem });
  }),
  defaultFeature: optionalText().superRefine((value, ctx) => {
    if (value === null) return;
    if (value.length > 64) ctx.addIssue({ code: "custom", message: "Use at most 64 characters." });
    else if (!FEATURE.test(value)) ctx.addIssue({ code: "custom", message: "Use letters, digits, spaces and _ . : / - only." });
  }),
  monthlyUsd: optionalText().transform((value, ctx) => {
    if (value === null) return null;
    const nano = parseUsdToNano(value);
    if (nano === null) {
      ctx.addIssue({ code: "custom", message: "Enter the monthly budget in dollars, like 20 or 12.50, or leave it empty." });
      return z.NEVER;
    }
    if (nano <= 0 || nano > MAX_BUDGET_NANO) {
      ctx.addIssue({ code: "custom", message: "The monthly budget must be more than $0 and at most $1,000,000." });
      return z.NEVER;
    }
    return nano;
  }),
});
export type CreateApiTokenInput = z.output<typeof createApiTokenSchema>;

/** The form as the schema reads it: every checked `scopes` checkbox, the other fields once. */
export function createApiTokenFormInput(formData: FormData): Record<string, unknown> {
  return { ...Object.fromEntries(formData), scopes: formData.getAll("scopes") };
}

export const revokeApiTokenSchema = z.object({
  tokenId: text("Choose the token to revoke.").trim().min(1, "Choose the token to revoke."),
});
