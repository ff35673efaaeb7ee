"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getTeam, setMembership } from "@/db/queries/teams";
import { inTransaction } from "@/db/queries/transaction";
import { getUserById } from "@/db/queries/users";
import { recordAudit } from "@/lib/audit/audit-log";
import { adminAction } from "@/lib/http/action";
import { uuid } from "@/lib/validation/id";

// Admin → one user → Team: which team they are in (one at most) and whether they are one of its admins.

const schema = z.object({
  userId: uuid(),
  teamId: z.union([z.literal(""), uuid("Choose a team from the list.")]),
  teamAdmin: z.enum(["on"]).optional(),
});

export const setUserTeamAction = adminAction(schema, async (values, admin) => {
  const user = await getUserById({ id: values.userId });
  if (!user) return { error: "That user does not exist." };
  const target = { id: user.id, email: user.email };
  if (values.teamId === "") {
    await inTransaction(async (tx) => {
      await setMembership({ userId: user.id, teamId: null, isAdmin: false }, tx);
      await recordAudit({ actor: admin, target, action: "user.team_changed", details: { to: "no team" } }, tx);
    });
    revalidatePath(`/admin/users/${user.id}`);
    revalidatePath("/admin/teams");
    return { ok: true, message: `${user.email} is in no team now.` };
  }
  const team = await getTeam({ id: values.teamId });
  if (!team) return { fieldErrors: { teamId: ["That team does not exist (any more)."] } };
  const isAdmin = values.teamAdmin === "on";
  await inTransaction(async (tx) => {
    await setMembership({ userId: user.id, teamId: team.id, isAdmin }, tx);
    await recordAudit({ actor: admin, target, action: "user.team_changed", details: { to: team.name, teamAdmin: isAdmin } }, tx);
  });
  revalidatePath(`/admin/users/${user.id}`);
  revalidatePath("/admin/teams");
  return { ok: true, message: `${user.email} is in ${team.name}${isAdmin ? " as a team admin" : ""}.` };
});
