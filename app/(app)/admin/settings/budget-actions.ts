"use server";

import { revalidatePath } from "next/cache";
import { inTransaction } from "@/db/queries/transaction";
import {
  defaultBudgetFormSchema,
  describeDefaults,
  describeOrgCap,
  getOrgSettings,
  orgCapFormSchema,
  saveDefaultBudget,
  saveOrgCap,
} from "@/lib/budgets/org-policy";
import { recordAudit } from "@/lib/audit/audit-log";
import { adminAction } from "@/lib/http/action";

// Admin settings → default budgets and the organisation cap. Admin only (checked on the server); bad values are refused
// by the schemas (below zero, above $100M, not a number).

export const saveDefaultBudgetAction = adminAction(defaultBudgetFormSchema, async (values, admin) => {
  const { before, after } = await inTransaction(async (tx) => {
    const before = await getOrgSettings(tx);
    const after = await saveDefaultBudget(values, admin.id, tx);
    if (describeDefaults(before) !== describeDefaults(after)) {
      await recordAudit({ actor: admin, action: "org_budget.changed", details: { from: describeDefaults(before), to: describeDefaults(after) } }, tx);
    }
    return { before, after };
  });
  revalidatePath("/admin/settings");
  if (describeDefaults(before) === describeDefaults(after)) return { ok: true, message: "Nothing changed." };
  return { ok: true, message: `Saved. Every user's default budget: ${describeDefaults(after)}.` };
});

export const saveOrgCapAction = adminAction(orgCapFormSchema, async (values, admin) => {
  const { before, after } = await inTransaction(async (tx) => {
    const before = await getOrgSettings(tx);
    const after = await saveOrgCap(values, admin.id, tx);
    if (describeOrgCap(before) !== describeOrgCap(after)) {
      await recordAudit({ actor: admin, action: "org_cap.changed", details: { from: describeOrgCap(before), to: describeOrgCap(after) } }, tx);
    }
    return { before, after };
  });
  revalidatePath("/admin/settings");
  if (describeOrgCap(before) === describeOrgCap(after)) return { ok: true, message: "Nothing changed." };
  return { ok: true, message: `Saved. Organisation cap: ${describeOrgCap(after)}.` };
});
