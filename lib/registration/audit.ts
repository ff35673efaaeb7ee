import "server-only";
import type { DbExecutor } from "@/db";
import { recordAudit, type AuditAction, type AuditEvent } from "@/lib/audit/audit-log";

/** The audit actions of who-may-join changes (also listed in AUDIT_ACTIONS). */
export const REGISTRATION_AUDIT_ACTIONS = [
  "registration_policy.changed",
  "invitation.created",
  "invitation.used",
  "invitation.revoked",
  "user.approved",
  "user.rejected",
] as const;
export type RegistrationAuditAction = (typeof REGISTRATION_AUDIT_ACTIONS)[number];

export function recordRegistrationAudit(
  event: Omit<AuditEvent, "action"> & { action: RegistrationAuditAction },
  executor?: DbExecutor,
): Promise<void> {
  return recordAudit({ ...event, action: event.action satisfies AuditAction }, executor);
}
