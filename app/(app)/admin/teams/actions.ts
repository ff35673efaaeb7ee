"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { setSystemKeyTeam } from "@/db/queries/prices";
import { createTeam, deleteTeam, getTeam, updateTeam } from "@/db/queries/teams";
import { inTransaction } from "@/db/queries/transaction";
import { recordAudit } from "@/lib/audit/audit-log";
import { optionalOrgUsdLimit } from "@/lib/budgets/org-policy";
import { adminAction } from "@/lib/http/action";
import { formatUsdExact } from "@/lib/money";
import { BUILT_IN_PROVIDERS, PROVIDERS } from "@/lib/providers/registry";
import { uuid } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";

// Admin → Teams: create, budget, delete. Admin only (checked on the server).

const name = text()
  .trim()
  .min(1, "Give the team a name.")
  .max(60, "Use at most 60 characters.")
  .regex(/^[\p{L}\p{N} _.&'-]+$/u, "Use letters, digits, spaces and . _ - & '.");

function done(message: string) {
  revalidatePath("/admin/teams");
  revalidatePath("/admin/settings");
  return { ok: true, message };
}

export const createTeamAction = adminAction(z.object({ name }), async (values, admin) => {
  const team = await inTransaction(async (tx) => {
    const created = await createTeam({ name: values.name }, tx);
    if (created) await recordAudit({ actor: admin, action: "team.created", details: { team: created.name } }, tx);
    return created;
  });
  if (!team) return { fieldErrors: { name: ["A team with that name exists already."] } };
  return done(`Team ${team.name} created. Put people in it from their page in Admin → Users.`);
});

export const saveTeamBudgetAction = adminAction(
  z.object({ teamId: uuid(), monthlyUsd: optionalOrgUsdLimit("team monthly budget"), mode: z.enum(["enforce", "warn"], { error: "Choose enforce or warn." }) }),
  async (values, admin) => {
    const team = await inTransaction(async (tx) => {
      const updated = await updateTeam({ id: values.teamId, values: { monthlyCostLimitNano: values.monthlyUsd, mode: values.mode } }, tx);
      if (updated) {
        const budget = updated.monthlyCostLimitNano === null ? "none" : `${formatUsdExact(updated.monthlyCostLimitNano)} per month, ${updated.mode}`;
        await recordAudit({ actor: admin, action: "team.changed", details: { team: updated.name, budget } }, tx);
      }
      return updated;
    });
    if (!team) return { error: "That team does not exist." };
    return done(
      team.monthlyCostLimitNano === null
        ? `Team ${team.name} has no monthly budget.`
        : `Team ${team.name}: ${formatUsdExact(team.monthlyCostLimitNano)} per month (UTC) for all its members together, ${team.mode}.`,
    );
  },
);

export const deleteTeamAction = adminAction(z.object({ teamId: uuid() }), async (values, admin) => {
  const team = await getTeam({ id: values.teamId });
  if (!team) return { error: "That team does not exist." };
  await inTransaction(async (tx) => {
    await deleteTeam({ id: team.id }, tx);
    await recordAudit({ actor: admin, action: "team.deleted", details: { team: team.name } }, tx);
  });
  return done(`Team ${team.name} deleted; its members are in no team now.`);
});

/** Opens or closes a provider's deployment key to one team (beside "everyone" in Admin → Models). Audited. */
export const setSystemKeyTeamAction = adminAction(
  z.object({ provider: z.enum(BUILT_IN_PROVIDERS, { error: "Choose a provider." }), teamId: uuid(), allow: z.enum(["true", "false"]) }),
  async ({ provider, teamId, allow }, admin) => {
    const team = await getTeam({ id: teamId });
    if (!team) return { error: "That team does not exist." };
    const allowed = allow === "true";
    await inTransaction(async (tx) => {
      const changed = await setSystemKeyTeam({ provider, teamId, allow: allowed, updatedBy: admin.id }, tx);
      if (changed) {
        await recordAudit(
          { actor: admin, action: "system_key_policy.changed", details: { provider, team: team.name, to: allowed ? `team ${team.name} may use it` : `team ${team.name} may not use it` } },
          tx,
        );
      }
    });
    revalidatePath("/admin/teams");
    return done(
      allowed
        ? `Members of ${team.name} without their own ${PROVIDERS[provider].label} key may now use the deployment's key.`
        : `${team.name} no longer uses the deployment's ${PROVIDERS[provider].label} key (unless it is open to everyone).`,
    );
  },
);
