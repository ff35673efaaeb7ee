"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { DbExecutor } from "@/db";
import { deleteBudget, getBudgets, upsertBudget } from "@/db/queries/settings";
import { inTransaction } from "@/db/queries/transaction";
import { countOtherEnabledAdmins, disableUser, enableUser, lockAdminSet, lockUser, setUserRole } from "@/db/queries/users";
import type { Budget, User } from "@/db/schema";
import { forgetApiTokensOfUser } from "@/lib/api-tokens/authenticate";
import { recordAudit } from "@/lib/audit/audit-log";
import { AppError } from "@/lib/errors";
import { adminAction, type ActionState } from "@/lib/http/action";
import { formatUsd, nanoToUsdString } from "@/lib/money";
import { DEFAULT_THRESHOLDS } from "@/lib/settings/budget";
import { budgetSchema } from "@/lib/settings/schemas";
import { parseId } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";

/**
 * What an admin can change about one user: a cap (a separate `source: "admin"` budget row the user cannot see in
 * their form or change; the ledger enforces the tighter of both), the role, and whether the account is disabled.
 * Each change commits in one transaction with its audit row. Role and disable changes also take one advisory lock,
 * so two admins acting at once cannot leave the deployment without an enabled admin.
 */

// A malformed id is "does not exist", like an unknown one (checked by the one uuid check in lockTarget).
const userId = text("That user does not exist.").trim();

async function lockTarget(rawId: string, tx: DbExecutor): Promise<User> {
  const id = parseId(rawId);
  const user = id ? await lockUser({ id }, tx) : undefined;
  if (!user) throw new AppError("not_found", "That user does not exist.");
  return user;
}

/** Under the lock: the acting admin must still be an enabled admin (another admin may have just changed that). */
async function lockAdmins(actor: User, tx: DbExecutor): Promise<void> {
  const fresh = await lockAdminSet({ actorId: actor.id }, tx);
  if (!fresh || fresh.role !== "admin" || fresh.disabledAt) throw new AppError("admin_required");
}

function done(target: User, message: string): ActionState {
  revalidatePath(`/admin/users/${target.id}`);
  revalidatePath("/admin");
  revalidatePath("/admin/audit");
  return { ok: true, message };
}

type CapValues = Pick<Budget, "monthlyCostLimitNano" | "dailyCostLimitNano" | "monthlyTokenLimit" | "mode">;

/** "$20.00/month, $2.00/day, enforce" — for audit rows and messages. */
function describeCap(cap: CapValues | undefined): string {
  if (!cap) return "none";
  const parts: string[] = [];
  if (cap.monthlyCostLimitNano !== null) parts.push(`${formatUsd(cap.monthlyCostLimitNano)}/month`);
  if (cap.dailyCostLimitNano !== null) parts.push(`${formatUsd(cap.dailyCostLimitNano)}/day`);
  if (cap.monthlyTokenLimit !== null) parts.push(`${cap.monthlyTokenLimit.toLocaleString("en-US")} tokens/month`);
  return `${parts.join(", ")} (${cap.mode === "enforce" ? "blocks" : "warns only"})`;
}

const capSchema = budgetSchema
  .pick({ monthlyUsd: true, dailyUsd: true, monthlyTokens: true, mode: true })
  .extend({ userId });

/** Sets (or changes) the admin cap. At least one limit; the user's own budget stays as it is. */
export const setCapAction = adminAction(capSchema, async (data, admin) => {
  if (data.monthlyUsd === null && data.dailyUsd === null && data.monthlyTokens === null) {
    throw new AppError("validation_failed", "Set at least one limit, or clear the cap.", {
      details: { fieldErrors: { monthlyUsd: ["Set at least one limit (monthly, daily or tokens), or clear the cap."] } },
    });
  }
  const values: CapValues = {
    monthlyCostLimitNano: data.monthlyUsd,
    dailyCostLimitNano: data.dailyUsd,
    monthlyTokenLimit: data.monthlyTokens,
    mode: data.mode,
  };
  const target = await inTransaction(async (tx) => {
    const target = await lockTarget(data.userId, tx);
    const { admin: previous } = await getBudgets({ userId: target.id }, tx);
    await upsertBudget({ userId: target.id, source: "admin", values, newRowDefaults: { alertThresholds: DEFAULT_THRESHOLDS } }, tx);
    await recordAudit(
      {
        actor: admin,
        target,
        action: "user.cap_set",
        details: {
          monthlyUsd: data.monthlyUsd === null ? undefined : nanoToUsdString(data.monthlyUsd),
          dailyUsd: data.dailyUsd === null ? undefined : nanoToUsdString(data.dailyUsd),
          monthlyTokens: data.monthlyTokens ?? undefined,
          mode: data.mode,
          previous: describeCap(previous),
        },
      },
      tx,
    );
    return target;
  });
  return done(target, `Cap for ${target.email} set: ${describeCap(values)}.`);
});

/** Removes the admin cap; the user's own budget (if any) still applies. */
export const clearCapAction = adminAction(z.object({ userId }), async (data, admin) => {
  const result = await inTransaction(async (tx) => {
    const target = await lockTarget(data.userId, tx);
    const removed = await deleteBudget({ userId: target.id, source: "admin" }, tx);
    if (!removed) return { target, removed: false as const };
    await recordAudit({ actor: admin, target, action: "user.cap_cleared", details: { previous: describeCap(removed) } }, tx);
    return { target, removed: true as const };
  });
  if (!result.removed) return { error: `${result.target.email} has no cap.` };
  return done(result.target, `Cap for ${result.target.email} cleared.`);
});

/**
 * Makes a user an admin or a member. The last enabled admin cannot be demoted — in practice, the last admin trying
 * to step down themselves (anyone else demoting them is an enabled admin too).
 */
export const setRoleAction = adminAction(
  z.object({ userId, role: z.enum(["admin", "user"], { error: "Choose a role: admin or user." }) }),
  async (data, admin) => {
    const result = await inTransaction(async (tx) => {
      await lockAdmins(admin, tx);
      const target = await lockTarget(data.userId, tx);
      if (target.role === data.role) return { target, changed: false as const };
      if (target.role === "admin") {
        if ((await countOtherEnabledAdmins({ exceptId: target.id }, tx)) === 0) {
          throw new AppError(
            "forbidden",
            target.id === admin.id
              ? "You are the last admin: make someone else an admin before you step down."
              : `${target.email} is the last admin: make someone else an admin first.`,
          );
        }
      }
      // A new role ends the user's sessions: they sign in again under it.
      await setUserRole({ id: target.id, role: data.role }, tx);
      await recordAudit({ actor: admin, target, action: "user.role_changed", details: { from: target.role, to: data.role } }, tx);
      return { target, changed: true as const };
    });
    const who = result.target.id === admin.id ? "You are" : `${result.target.email} is`;
    if (!result.changed) return { ok: true, message: `${who} already ${data.role === "admin" ? "an admin" : "a member"}.` };
    return done(result.target, `${who} now ${data.role === "admin" ? "an admin" : "a member"}.`);
  },
);

/**
 * Disables an account: sign-in is refused and every session ends at its next request (session version bumped).
 * An admin cannot disable themselves; they may disable another admin — they remain.
 */
export const disableUserAction = adminAction(z.object({ userId }), async (data, admin) => {
  const result = await inTransaction(async (tx) => {
    await lockAdmins(admin, tx);
    if (data.userId.toLowerCase() === admin.id.toLowerCase()) throw new AppError("forbidden", "You cannot disable your own account.");
    const target = await lockTarget(data.userId, tx);
    if (target.disabledAt) return { target, changed: false as const };
    await disableUser({ id: target.id }, tx);
    await recordAudit({ actor: admin, target, action: "user.disabled", details: { role: target.role } }, tx);
    return { target, changed: true as const };
  });
  if (!result.changed) return { error: `${result.target.email} is already disabled.` };
  forgetApiTokensOfUser(result.target.id); // this process's token cache; others notice within a second
  return done(result.target, `${result.target.email} is disabled: they can no longer sign in or use the API.`);
});

export const enableUserAction = adminAction(z.object({ userId }), async (data, admin) => {
  const result = await inTransaction(async (tx) => {
    await lockAdmins(admin, tx);
    const target = await lockTarget(data.userId, tx);
    if (!target.disabledAt) return { target, changed: false as const };
    await enableUser({ id: target.id }, tx);
    await recordAudit({ actor: admin, target, action: "user.enabled", details: { disabledSince: target.disabledAt.toISOString() } }, tx);
    return { target, changed: true as const };
  });
  if (!result.changed) return { error: `${result.target.email} is not disabled.` };
  return done(result.target, `${result.target.email} is enabled again.`);
});
