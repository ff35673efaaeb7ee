"use server";

import { revalidatePath } from "next/cache";
import { saveRegistrationPolicy } from "@/db/queries/registration";
import { inTransaction } from "@/db/queries/transaction";
import { adminAction } from "@/lib/http/action";
import { recordAudit } from "@/lib/audit/audit-log";
import {
  createInvitation,
  createInvitationSchema,
  invitationPath,
  revokeInvitationAsAdmin,
  revokeInvitationSchema,
} from "@/lib/registration/invitations";
import { describePolicy, getRegistrationPolicy, policyFormSchema } from "@/lib/registration/policy";

// Admin settings → Who may join: the registration policy and invitations. Each change commits with its audit row.

function done(message: string) {
  revalidatePath("/admin/settings");
  revalidatePath("/admin/audit");
  return { ok: true, message };
}

export const saveRegistrationPolicyAction = adminAction(policyFormSchema, async (values, admin) => {
  const { before, after } = await inTransaction(async (tx) => {
    const before = await getRegistrationPolicy(tx);
    const after = await saveRegistrationPolicy({ values, updatedBy: admin.id }, tx);
    if (describePolicy(before) !== describePolicy(after)) {
      await recordAudit(
        { actor: admin, action: "registration_policy.changed", details: { from: describePolicy(before), to: describePolicy(after) } },
        tx,
      );
    }
    return { before, after };
  });
  if (describePolicy(before) === describePolicy(after)) return done("Nothing changed.");
  return done(`Saved. Who may join: ${describePolicy(after)}.`);
});

/** Creates an invitation and returns its link in `values.inviteLink` — the only time it is shown. */
export const createInvitationAction = adminAction(createInvitationSchema, async (input, admin) => {
  const { invitation, token } = await createInvitation(admin, input);
  revalidatePath("/admin/settings");
  revalidatePath("/admin/audit");
  return {
    ok: true,
    message: `Invitation created${invitation.email ? ` for ${invitation.email}` : ""}. Copy the link now: it will not be shown again.`,
    values: { inviteLink: invitationPath(token), invitationId: invitation.id },
  };
});

export const revokeInvitationAction = adminAction(revokeInvitationSchema, async ({ invitationId }, admin) => {
  const revoked = await revokeInvitationAsAdmin(admin, invitationId);
  if (!revoked) return { error: "That invitation does not exist, or it was already used or revoked." };
  return done(`Invitation${revoked.email ? ` for ${revoked.email}` : ""} revoked: its link no longer works.`);
});
