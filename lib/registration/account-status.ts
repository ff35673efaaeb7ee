import type { UserStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";

export const PENDING_MESSAGE =
  "Your account is waiting for an admin's approval. You can use Spendboard as soon as an admin approves it.";
export const REJECTED_MESSAGE = "An admin declined this account. Ask an admin of this Spendboard if you think this is a mistake.";

/** The 403 a pending or rejected account gets from every route and action. */
export function accountNotActiveError(status: Exclude<UserStatus, "active">): AppError {
  return new AppError("forbidden", status === "pending" ? PENDING_MESSAGE : REJECTED_MESSAGE, {
    details: { reason: status === "pending" ? "approval_pending" : "account_rejected" },
  });
}
