"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { reviewUser } from "@/db/queries/registration";
import { inTransaction } from "@/db/queries/transaction";
import { adminAction } from "@/lib/http/action";
import { recordAudit } from "@/lib/audit/audit-log";
import { uuid } from "@/lib/validation/id";

// Accounts that registered while approval was required: an admin lets them in or declines them (audited).

const schema = z.object({ userId: uuid("That user does not exist.") });

function done(userId: string, message: string) {
  revalidatePath("/admin/settings");
  revalidatePath(`/admin/users/${userId}`);
  revalidatePath("/admin/audit");
  return { ok: true, message };
}

/** Pending (or previously rejected) → active: the account can use Spendboard at its next request. */
export const approveUserAction = adminAction(schema, async ({ userId }, admin) => {
  const before = await inTransaction(async (tx) => {
    const before = await reviewUser({ id: userId, from: ["pending", "rejected"], to: "active", now: new Date() }, tx);
    if (before) await recordAudit({ actor: admin, target: before, action: "user.approved", details: { from: before.status } }, tx);
    return before;
  });
  if (!before) return { error: "That account is not waiting for approval." };
  return done(before.id, `${before.email} is approved and can use Spendboard now.`);
});

/** Pending → rejected: the account stays signed out of everything but the waiting page, which says it was declined. */
export const rejectUserAction = adminAction(schema, async ({ userId }, admin) => {
  const before = await inTransaction(async (tx) => {
    const before = await reviewUser({ id: userId, from: ["pending"], to: "rejected", now: new Date() }, tx);
    if (before) await recordAudit({ actor: admin, target: before, action: "user.rejected", details: { from: before.status } }, tx);
    return before;
  });
  if (!before) return { error: "That account is not waiting for approval." };
  return done(before.id, `${before.email} is declined.`);
});
