"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getTeam, setMembership } from "@/db/queries/teams";
import { getUserById } from "@/db/queries/users";
import { adminAction } from "@/lib/http/action";
import { uuid } from "@/lib/validation/id";

// Admin → one user → Team: which team they are in (one at most) and whether they are one of its admins.

const schema = z.object({
  userId: uuid(),
  teamId: z.union([z.literal(""), uuid("Choose a team from the list.")]),
  teamAdmin: z.enum(["on"]).optional(),
});

export const setUserTeamAction = adminAction(schema, async (values) => {
  const user = await getUserById({ id: values.userId });
  if (!user) return { error: "That user does not exist." };
  if (values.teamId === "") {
    await setMembership({ userId: user.id, teamId: null, isAdmin: false });
    revalidatePath(`/admin/users/${user.id}`);
    revalidatePath("/admin/teams");
    return { ok: true, message: `${user.email} is in no team now.` };
  }
  const team = await getTeam({ id: values.teamId });
  if (!team) return { fieldErrors: { teamId: ["That team does not exist (any more)."] } };
  const isAdmin = values.teamAdmin === "on";
  await setMembership({ userId: user.id, teamId: team.id, isAdmin });
  revalidatePath(`/admin/users/${user.id}`);
  revalidatePath("/admin/teams");
  return { ok: true, message: `${user.email} is in ${team.name}${isAdmin ? " as a team admin" : ""}.` };
});
