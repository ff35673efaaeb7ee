import "server-only";
import { z } from "zod";
import { insertInvitation, listInvitations, revokeInvitation } from "@/db/queries/invitations";
import { getTeam } from "@/db/queries/teams";
import { inTransaction } from "@/db/queries/transaction";
import type { Invitation, User } from "@/db/schema";
import { emailSchema } from "@/lib/auth/schemas";
import { AppError } from "@/lib/errors";
import { uuid } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";
import { recordAudit } from "@/lib/audit/audit-log";
import { generateInvitationToken, hashInvitationToken } from "./invitation-token";

export const DEFAULT_INVITATION_DAYS = 7;
export const MAX_INVITATION_DAYS = 90;

export type InvitationStatus = "pending" | "used" | "expired" | "revoked";

export function invitationStatus(invitation: Pick<Invitation, "usedAt" | "revokedAt" | "expiresAt">, now = new Date()): InvitationStatus {
  if (invitation.usedAt) return "used";
  if (invitation.revokedAt) return "revoked";
  if (invitation.expiresAt.getTime() <= now.getTime()) return "expired";
  return "pending";
}

/** The link that carries the token, relative to the site. */
export function invitationPath(token: string): string {
  return `/register?invite=${encodeURIComponent(token)}`;
}

/** The admin form: an optional email, a role, and the days until it expires (1–90, default 7). */
export const createInvitationSchema = z.object({
  email: text("Enter an email address, or leave it empty.")
    .trim()
    .max(254, "That email address is too long.")
    .optional()
    .default("")
    .pipe(z.union([z.literal(""), emailSchema])),
  role: z.enum(["user", "admin"], { error: "Choose a role: member or admin." }).optional().default("user"),
  teamId: z.union([z.literal(""), uuid("Choose a team from the list.")]).optional().default(""),
  expiresInDays: text("Enter the number of days the link stays valid.")
    .trim()
    .optional()
    .default(String(DEFAULT_INVITATION_DAYS))
    .pipe(
      z
        .string()
        .regex(/^\d{1,3}$/, `Enter a whole number of days, from 1 to ${MAX_INVITATION_DAYS}.`)
        .transform(Number)
        .pipe(
          z
            .number()
            .int()
            .min(1, "The link must stay valid for at least 1 day (an expiry in the past would admit no one).")
            .max(MAX_INVITATION_DAYS, `At most ${MAX_INVITATION_DAYS} days.`),
        ),
    ),
});

export interface CreatedInvitation {
  invitation: Invitation;
  /** Shown once; only its hash is stored. */
  token: string;
}

export async function createInvitation(admin: Pick<User, "id" | "email">, input: z.output<typeof createInvitationSchema>): Promise<CreatedInvitation> {
  const token = generateInvitationToken();
  const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
  const team = input.teamId ? await getTeam({ id: input.teamId }) : undefined;
  if (input.teamId && !team) {
    throw new AppError("validation_failed", "That team does not exist (any more).", { details: { fieldErrors: { teamId: ["That team does not exist (any more)."] } } });
  }
  const invitation = await inTransaction(async (tx) => {
    const row = await insertInvitation(
      { tokenHash: hashInvitationToken(token), email: input.email || null, role: input.role, teamId: team?.id ?? null, expiresAt, createdBy: admin.id },
      tx,
    );
    await recordAudit(
      {
        actor: admin,
        action: "invitation.created",
        details: { invitationId: row.id, email: row.email ?? "anyone with the link", role: row.role, team: team?.name, expiresAt: expiresAt.toISOString() },
      },
      tx,
    );
    return row;
  });
  return { invitation, token };
}

export const revokeInvitationSchema = z.object({ invitationId: uuid("That invitation does not exist.") });

/** Revokes an unused invitation; undefined when it does not exist or is already used or revoked. */
export async function revokeInvitationAsAdmin(admin: Pick<User, "id" | "email">, id: string): Promise<Invitation | undefined> {
  return inTransaction(async (tx) => {
    const row = await revokeInvitation({ id, revokedBy: admin.id, now: new Date() }, tx);
    if (!row) return undefined;
    await recordAudit(
      { actor: admin, action: "invitation.revoked", details: { invitationId: row.id, email: row.email ?? "anyone with the link", role: row.role } },
      tx,
    );
    return row;
  });
}

export interface InvitationView {
  id: string;
  email: string | null;
  role: "admin" | "user";
  /** The team the new account joins, if any. */
  teamName: string | null;
  status: InvitationStatus;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByEmail: string | null;
  revokedAt: string | null;
}

export async function listInvitationViews(now = new Date()): Promise<InvitationView[]> {
  const rows = await listInvitations();
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    teamName: row.teamName,
    status: invitationStatus(row, now),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    usedAt: row.usedAt?.toISOString() ?? null,
    usedByEmail: row.usedByEmail,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }));
}
