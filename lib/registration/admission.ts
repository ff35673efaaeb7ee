import "server-only";
import type { DbExecutor } from "@/db";
import { getInvitationByHash, lockInvitationByHash, markInvitationUsed } from "@/db/queries/invitations";
import { setMembership } from "@/db/queries/teams";
import { insertNotificationOnce } from "@/db/queries/notifications";
import { countUsers, listEnabledAdminIds, lockAccountCreation, setAdmission } from "@/db/queries/registration";
import { inTransaction } from "@/db/queries/transaction";
import type { Invitation, User, UserRole, UserStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/audit-log";
import { isEmailInDomains } from "./domains";
import { hashInvitationToken, looksLikeInvitationToken } from "./invitation-token";
import { getRegistrationPolicy, type RegistrationPolicy } from "./policy";

/**
 * Whether a new account may be created, and as what. The first account is always admitted, as an active admin,
 * whatever the policy. An invitation (valid, unused, for this email if it names one) admits in every mode, with its
 * role, and skips approval: an admin chose this person. Otherwise `open` admits anyone, `domains` only addresses at a
 * listed domain, `invite` no one; with approval required the account starts `pending`.
 */

export const ADMISSION_REFUSALS = [
  "invitation_required",
  "domain_not_allowed",
  "invitation_invalid",
  "invitation_used",
  "invitation_revoked",
  "invitation_expired",
  "invitation_email_mismatch",
] as const;
export type AdmissionRefusal = (typeof ADMISSION_REFUSALS)[number];

export function isAdmissionRefusal(value: string): value is AdmissionRefusal {
  return (ADMISSION_REFUSALS as readonly string[]).includes(value);
}

export type AdmissionDecision =
  | { ok: true; role: UserRole; status: UserStatus; invitationId: string | null }
  | { ok: false; reason: AdmissionRefusal; expiresAt?: Date };

const ADMIN_CONTACT = "Ask an admin of this Spendboard for an invitation link.";

export function refusalMessage(reason: AdmissionRefusal, expiresAt?: Date): string {
  switch (reason) {
    case "invitation_required":
      return `This Spendboard is invitation-only. ${ADMIN_CONTACT}`;
    case "domain_not_allowed":
      return `This Spendboard accepts new accounts only from its organisation's email domains, and this address is not at one of them. Register with your work address, or ${ADMIN_CONTACT.charAt(0).toLowerCase()}${ADMIN_CONTACT.slice(1)}`;
    case "invitation_invalid":
      return "This invitation link is not valid. Check that you copied the whole link, or ask an admin for a new one.";
    case "invitation_used":
      return "This invitation link has already been used. Ask an admin for a new one.";
    case "invitation_revoked":
      return "This invitation link was revoked by an admin. Ask an admin for a new one.";
    case "invitation_expired":
      return `This invitation link expired${expiresAt ? ` on ${expiresAt.toISOString().slice(0, 10)}` : ""}. Ask an admin for a new one.`;
    case "invitation_email_mismatch":
      return "This invitation is for a different email address. Register with the address the invitation was sent to.";
  }
}

export function admissionError(reason: AdmissionRefusal, expiresAt?: Date): AppError {
  // A domain refusal belongs to the email field; the others to the form as a whole.
  return new AppError("forbidden", refusalMessage(reason, expiresAt), {
    details: reason === "domain_not_allowed" || reason === "invitation_email_mismatch" ? { field: "email", reason } : { reason },
  });
}

export function invitationProblem(invitation: Invitation, now: Date): AdmissionRefusal | null {
  if (invitation.revokedAt) return "invitation_revoked";
  if (invitation.usedAt) return "invitation_used";
  if (invitation.expiresAt.getTime() <= now.getTime()) return "invitation_expired";
  return null;
}

export function decideAdmission({
  firstAccount,
  policy,
  email,
  invitation,
  now,
}: {
  firstAccount: boolean;
  policy: Pick<RegistrationPolicy, "mode" | "allowedDomains" | "approvalRequired">;
  email: string;
  /** undefined: no invitation offered; null: a token was offered that matches none. */
  invitation: Invitation | null | undefined;
  now: Date;
}): AdmissionDecision {
  if (firstAccount) return { ok: true, role: "admin", status: "active", invitationId: null };
  if (invitation === null) return { ok: false, reason: "invitation_invalid" };
  if (invitation) {
    const problem = invitationProblem(invitation, now);
    if (problem) return { ok: false, reason: problem, expiresAt: invitation.expiresAt };
    if (invitation.email && invitation.email !== email.trim().toLowerCase()) return { ok: false, reason: "invitation_email_mismatch" };
    return { ok: true, role: invitation.role, status: "active", invitationId: invitation.id };
  }
  if (policy.mode === "invite") return { ok: false, reason: "invitation_required" };
  if (policy.mode === "domains" && !isEmailInDomains(email, policy.allowedDomains)) return { ok: false, reason: "domain_not_allowed" };
  return { ok: true, role: "user", status: policy.approvalRequired ? "pending" : "active", invitationId: null };
}

/** The stored hash for an offered token; null when the text cannot be one of our tokens; undefined when none was offered. */
function offeredHash(inviteToken: string | null | undefined): string | null | undefined {
  const token = inviteToken?.trim();
  if (!token) return undefined;
  return looksLikeInvitationToken(token) ? hashInvitationToken(token) : null;
}

/**
 * A cheap early answer (no lock) so a refused registration costs no password hash; `admitNewAccount` decides again
 * under the lock. Throws the refusal.
 */
export async function assertMayRegister({ email, inviteToken }: { email: string; inviteToken?: string | null }): Promise<void> {
  const hash = offeredHash(inviteToken);
  const invitation = typeof hash === "string" ? ((await getInvitationByHash({ tokenHash: hash })) ?? null) : hash;
  // Whether this is the first account is settled under the lock; here a refusal only counts when users exist.
  const decision = decideAdmission({ firstAccount: false, policy: await getRegistrationPolicy(), email, invitation, now: new Date() });
  if (decision.ok) return;
  if ((await countUsers()) > 0) throw admissionError(decision.reason, decision.expiresAt);
}

/**
 * Creates an account if the policy admits it, in one transaction under the account-creation lock: the decision, the
 * account (`create`), its role and status, and the invitation marked used (with its audit row). Two registrations
 * racing with one invitation: the second finds it used and creates nothing.
 */
export async function admitNewAccount({
  email,
  inviteToken,
  create,
}: {
  email: string;
  inviteToken?: string | null;
  create: (tx: DbExecutor) => Promise<User>;
}): Promise<User> {
  const hash = offeredHash(inviteToken);
  return inTransaction(async (tx) => {
    const now = new Date();
    const { existingUsers } = await lockAccountCreation(tx);
    const policy = await getRegistrationPolicy(tx);
    const invitation = typeof hash === "string" ? ((await lockInvitationByHash({ tokenHash: hash }, tx)) ?? null) : hash;
    const decision = decideAdmission({ firstAccount: existingUsers === 0, policy, email, invitation, now });
    if (!decision.ok) throw admissionError(decision.reason, decision.expiresAt);
    const created = await create(tx);
    const user =
      created.role === decision.role && created.status === decision.status
        ? created
        : await setAdmission({ id: created.id, role: decision.role, status: decision.status }, tx);
    if (invitation && decision.invitationId) {
      if (!(await markInvitationUsed({ id: invitation.id, userId: user.id, now }, tx))) throw admissionError("invitation_used");
      // The invitation's team (if it still exists: a deleted team leaves the invitation without one).
      if (invitation.teamId) await setMembership({ userId: user.id, teamId: invitation.teamId, isAdmin: false }, tx);
      await recordAudit(
        {
          actor: { id: user.id, email: user.email },
          target: { id: user.id, email: user.email },
          action: "invitation.used",
          details: { invitationId: invitation.id, role: user.role, boundToEmail: invitation.email !== null },
        },
        tx,
      );
    }
    if (user.status === "pending") await tellAdminsAboutPending(user, tx);
    return user;
  });
}

/** A notification for every admin: someone waits for them (the bell links to the list in admin settings). */
async function tellAdminsAboutPending(user: Pick<User, "id" | "email">, tx: DbExecutor): Promise<void> {
  for (const adminId of await listEnabledAdminIds(tx)) {
    await insertNotificationOnce(
      {
        userId: adminId,
        kind: "registration",
        title: "An account is waiting for approval",
        body: `${user.email} registered and can use Spendboard once an admin approves it.`,
        href: "/admin/settings#pending-accounts",
        dedupeKey: `registration:pending:${user.id}`,
      },
      tx,
    );
  }
}
