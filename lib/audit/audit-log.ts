import "server-only";
import type { DbExecutor } from "@/db";
import { insertAuditRow, listAuditRows } from "@/db/queries/audit";
import type { AuditLogRow } from "@/db/schema";
import type { AuditEntry, AuditPage } from "@/lib/dashboard/contract";
import { cursorAt, cursorDate, type CursorPosition } from "@/lib/validation/cursor";

/**
 * The audit log: who changed what, and when. Admin changes (roles, caps, disabling, price overrides, system-key
 * policy, the organisation webhook), users' own key additions, replacements and deletions, and API tokens created and
 * revoked. Rows are only ever inserted. A key is never recorded — only its provider, name and last 4 characters.
 */

export const AUDIT_ACTIONS = [
  "user.role_changed",
  "user.cap_set",
  "user.cap_cleared",
  "user.disabled",
  "user.enabled",
  "price_override.saved",
  "price_override.deleted",
  "system_key_policy.changed",
  "org_webhook.saved",
  "org_webhook.deleted",
  "key.added",
  "key.replaced",
  "key.deleted",
  "api_token.created",
  "api_token.revoked",
  "registration_policy.changed",
  "invitation.created",
  "invitation.used",
  "invitation.revoked",
  "user.approved",
  "user.rejected",
  "org_budget.changed",
  "org_cap.changed",
  "team.created",
  "team.changed",
  "team.deleted",
  "user.team_changed",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Plain values only: details are shown as `name: value` pairs. `undefined` entries are left out. */
export type AuditDetails = Record<string, string | number | boolean | null | undefined>;

export interface AuditEvent {
  actor: { id: string; email: string };
  action: AuditAction;
  /** The user the change is about (the actor themself for key changes); none for organisation-wide changes. */
  target?: { id: string; email: string } | null;
  details: AuditDetails;
}

/** Detail names that could only hold a secret. Refused outright, so a careless caller fails in tests, not in prod. */
const SECRET_NAME = /^(api_?key|key|secret|password|token|authorization|encrypted\w*)$/i;

/**
 * Records one change. Pass the transaction that makes the change, so the change and its row commit together; leave
 * it out when the change was already committed by code that does not take a transaction.
 */
export async function recordAudit(event: AuditEvent, executor?: DbExecutor): Promise<void> {
  const details: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(event.details)) {
    if (SECRET_NAME.test(name)) throw new Error(`recordAudit: a detail named "${name}" could hold a secret; record last4 instead.`);
    if (value !== undefined) details[name] = value;
  }
  await insertAuditRow(
    {
      actorId: event.actor.id,
      actorEmail: event.actor.email,
      action: event.action,
      targetUserId: event.target?.id ?? null,
      targetEmail: event.target?.email ?? null,
      details,
    },
    executor,
  );
}

function toEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actorEmail: row.actorEmail,
    action: row.action,
    targetEmail: row.targetEmail,
    details: row.details ?? null,
  };
}

/** One page of the log, newest first. `cursor` is a decoded `nextCursor` of a previous page (lib/validation/cursor.ts). */
export async function getAuditPage({
  limit,
  cursor,
  targetUserId,
}: {
  limit: number;
  cursor?: CursorPosition;
  targetUserId?: string;
}): Promise<AuditPage> {
  const rows = await listAuditRows({
    limit,
    targetUserId,
    cursor: cursor ? { createdAt: cursorDate(cursor), id: cursor.id } : undefined,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toEntry),
    nextCursor: rows.length > limit && last ? cursorAt(last.createdAt, last.id) : null,
  };
}
