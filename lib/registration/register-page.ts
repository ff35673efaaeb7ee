import "server-only";
import { getInvitationByHash } from "@/db/queries/invitations";
import { countUsers } from "@/db/queries/registration";
import { invitationProblem, refusalMessage } from "./admission";
import { hashInvitationToken, looksLikeInvitationToken } from "./invitation-token";
import { getRegistrationPolicy } from "./policy";

/**
 * What the register page says before anyone types: whether the form is open at all (an invitation-only Spendboard
 * without a valid link shows why instead), and a note about the invitation or the policy. The registration itself
 * decides again on the server.
 */
export interface RegisterPageState {
  showForm: boolean;
  tone: "info" | "error" | null;
  notice: string | null;
  /** The invitation's token to send back with the form (only when it is still valid). */
  invite?: string;
  /** The address a bound invitation is for, to fill in. */
  invitedEmail?: string;
}

export async function registerPageState(rawInvite: string | undefined): Promise<RegisterPageState> {
  const [policy, existingUsers] = await Promise.all([getRegistrationPolicy(), countUsers()]);
  if (existingUsers === 0) {
    return { showForm: true, tone: "info", notice: "This is a new Spendboard: the first account becomes its admin." };
  }
  const token = rawInvite?.trim();
  if (token) {
    const invitation = looksLikeInvitationToken(token) ? await getInvitationByHash({ tokenHash: hashInvitationToken(token) }) : undefined;
    if (!invitation) return { showForm: false, tone: "error", notice: refusalMessage("invitation_invalid") };
    const problem = invitationProblem(invitation, new Date());
    if (problem) return { showForm: false, tone: "error", notice: refusalMessage(problem, invitation.expiresAt) };
    const as = invitation.role === "admin" ? " as an admin" : "";
    return {
      showForm: true,
      tone: "info",
      notice: invitation.email
        ? `You are invited${as}. Create your account with ${invitation.email}.`
        : `You are invited${as}. Create your account below.`,
      invite: token,
      invitedEmail: invitation.email ?? undefined,
    };
  }
  if (policy.mode === "invite") return { showForm: false, tone: "error", notice: refusalMessage("invitation_required") };
  const notes: string[] = [];
  if (policy.mode === "domains") notes.push("New accounts are open to your organisation's email addresses only.");
  if (policy.approvalRequired) notes.push("An admin approves new accounts before they can use Spendboard.");
  return { showForm: true, tone: notes.length > 0 ? "info" : null, notice: notes.length > 0 ? notes.join(" ") : null };
}
