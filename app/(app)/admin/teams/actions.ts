"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createTeam, deleteTeam, getTeam, updateTeam } from "@/db/queries/teams";
import { optionalUsdLimit } from "@/lib/budgets/org-policy";
import { adminAction } from "@/lib/http/action";
import { formatUsdExact } from "@/lib/money";
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

export const createTeamAction = adminAction(z.object({ name }), async (values) => {
  const team = await createTeam({ name: values.name });
  if (!team) return { fieldErrors: { name: ["A team with that name exists already."] } };
  return done(`Team ${team.name} created. Put people in it from their page in Admin → Users.`);
});

export const saveTeamBudgetAction = adminAction(
  z.object({ teamId: uuid(), monthlyUsd: optionalUsdLimit("team monthly budget"), mode: z.enum(["enforce", "warn"], { error: "Choose enforce or warn." }) }),
  async (values) => {
    const team = await updateTeam({ id: values.teamId, values: { monthlyCostLimitNano: values.monthlyUsd, mode: values.mode } });
    if (!team) return { error: "That team does not exist." };
    return done(
      team.monthlyCostLimitNano === null
        ? `Team ${team.name} has no monthly budget.`
        : `Team ${team.name}: ${formatUsdExact(team.monthlyCostLimitNano)} per month (UTC) for all its members together, ${team.mode}.`,
    );
  },
);

export const deleteTeamAction = adminAction(z.object({ teamId: uuid() }), async (values) => {
  const team = await getTeam({ id: values.teamId });
  if (!team) return { error: "That team does not exist." };
  await deleteTeam({ id: team.id });
  return done(`Team ${team.name} deleted; its members are in no team now.`);
});
