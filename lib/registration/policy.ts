import "server-only";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { getOrSeedRegistrationPolicy, type PolicyValues } from "@/db/queries/registration";
import { registrationMode, type RegistrationMode } from "@/db/schema";
import { text } from "@/lib/validation/text";
import { parseDomainList } from "./domains";

/**
 * Who may join, stored in the database (one `registration_policy` row) and changed in /admin/settings. The first read
 * creates the row from the environment: REGISTRATION_MODE (`open` | `invite` | `domains`, default `open`),
 * ALLOWED_EMAIL_DOMAINS (comma-separated, for `domains`) and REGISTRATION_APPROVAL (`true` → new accounts wait for an
 * admin). After that the environment no longer matters: the admin's settings win.
 */

export interface RegistrationPolicy {
  mode: RegistrationMode;
  allowedDomains: string[];
  approvalRequired: boolean;
  updatedAt: Date | null;
}

const MODE_ALIASES: Record<string, RegistrationMode> = {
  open: "open",
  invite: "invite",
  "invite-only": "invite",
  invite_only: "invite",
  invitation: "invite",
  domains: "domains",
  domain: "domains",
};

/** The starting policy the environment describes. A value we cannot read closes registration (invite) rather than opening it. */
export function policyFromEnv(env: Record<string, string | undefined> = process.env): PolicyValues {
  const rawMode = env.REGISTRATION_MODE?.trim().toLowerCase() ?? "";
  let mode: RegistrationMode = "open";
  if (rawMode) {
    const known = MODE_ALIASES[rawMode];
    if (known) mode = known;
    else {
      mode = "invite";
      console.warn(`[config] REGISTRATION_MODE=${rawMode} is not open, invite or domains: starting invite-only.`);
    }
  }
  const { domains, invalid } = parseDomainList(env.ALLOWED_EMAIL_DOMAINS ?? "");
  if (invalid.length > 0) {
    console.warn(`[config] ALLOWED_EMAIL_DOMAINS: ignoring ${invalid.join(", ")} (not domains).`);
  }
  const approval = env.REGISTRATION_APPROVAL?.trim().toLowerCase();
  return { mode, allowedDomains: domains, approvalRequired: approval === "true" || approval === "1" || approval === "yes" };
}

export async function getRegistrationPolicy(executor?: DbExecutor): Promise<RegistrationPolicy> {
  const row = await getOrSeedRegistrationPolicy(() => policyFromEnv(), executor);
  return { mode: row.mode, allowedDomains: row.allowedDomains, approvalRequired: row.approvalRequired, updatedAt: row.updatedAt };
}

/** The admin form: mode, domains as typed (one per line or comma-separated), approval as a checkbox. */
export const policyFormSchema = z
  .object({
    mode: z.enum(registrationMode.enumValues, { error: "Choose who may join: open, invite-only or listed domains." }),
    allowedDomains: text("List the domains, separated by commas or new lines.")
      .max(10_000, "That list is too long.")
      .optional()
      .default(""),
    approvalRequired: z.enum(["on", "true", "false"], { error: "Approval is on or off." }).optional(),
  })
  .transform((data, ctx) => {
    const { domains, invalid } = parseDomainList(data.allowedDomains);
    if (invalid.length > 0) {
      const shown = invalid.slice(0, 3).map((d) => JSON.stringify(d.slice(0, 60))).join(", ");
      ctx.addIssue({ code: "custom", path: ["allowedDomains"], message: `Not a domain: ${shown}. Write domains like example.com.` });
      return z.NEVER;
    }
    if (data.mode === "domains" && domains.length === 0) {
      ctx.addIssue({ code: "custom", path: ["allowedDomains"], message: "List at least one domain, like example.com." });
      return z.NEVER;
    }
    if (domains.length > 100) {
      ctx.addIssue({ code: "custom", path: ["allowedDomains"], message: "List at most 100 domains." });
      return z.NEVER;
    }
    return { mode: data.mode, allowedDomains: domains, approvalRequired: data.approvalRequired === "on" || data.approvalRequired === "true" };
  });

export function describePolicy(policy: Pick<RegistrationPolicy, "mode" | "allowedDomains" | "approvalRequired">): string {
  const who =
    policy.mode === "open" ? "anyone" : policy.mode === "invite" ? "invitation only" : `addresses at ${policy.allowedDomains.join(", ")}`;
  return `${who}${policy.approvalRequired ? ", admin approval required" : ""}`;
}
