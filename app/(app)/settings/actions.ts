"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { setDefaultModel } from "@/db/queries/settings";
import { recordAudit } from "@/lib/audit/audit-log";
import { userAction } from "@/lib/http/action";
import { modelRefSchema, formatModelRef } from "@/lib/providers/model-ref";
import { assertModelAvailable } from "@/lib/providers/model-catalog";
import { saveUserBudget } from "@/lib/settings/budget";
import { removeProviderKey, saveProviderKey } from "@/lib/settings/provider-keys";
import { budgetSchema, saveKeySchema } from "@/lib/settings/schemas";
import { text } from "@/lib/validation/text";

// Key changes are audited with the user as actor and target — provider, name and last 4 only, never the key — in the
// transaction that stores or deletes the key.

export const saveKeyAction = userAction(saveKeySchema, async (data, user) => {
  const result = await saveProviderKey(user.id, data, async ({ row, previous }, tx) => {
    await recordAudit(
      {
        actor: user,
        target: user,
        action: previous ? "key.replaced" : "key.added",
        details: {
          provider: row.provider,
          name: row.provider === "openai-compatible" ? row.name : undefined,
          last4: row.keyLast4,
          previousLast4: previous ? previous.keyLast4 : undefined,
          check: row.status === "valid" ? "valid" : "unreachable",
        },
      },
      tx,
    );
  });
  revalidatePath("/settings");
  return { ok: true, message: result.message, values: { check: result.check } };
});

export const deleteKeyAction = userAction(z.object({ keyId: text("Choose the key to delete.").min(1, "Choose the key to delete.") }), async ({ keyId }, user) => {
  const removed = await removeProviderKey(user.id, keyId, async ({ row }, tx) => {
    await recordAudit(
      {
        actor: user,
        target: user,
        action: "key.deleted",
        details: { provider: row.provider, name: row.provider === "openai-compatible" ? row.name : undefined, last4: row.keyLast4 },
      },
      tx,
    );
  });
  revalidatePath("/settings");
  return { ok: true, message: `${removed.provider === "openai-compatible" ? `“${removed.name}”` : removed.providerLabel} key deleted.` };
});

export const saveBudgetAction = userAction(budgetSchema, async (data, user) => {
  await saveUserBudget(user.id, data);
  revalidatePath("/settings");
  return { ok: true, message: "Budget saved." };
});

export const setDefaultModelAction = userAction(
  z.object({ model: modelRefSchema }),
  async ({ model }, user) => {
    await assertModelAvailable(user.id, model);
    await setDefaultModel({ userId: user.id, defaultModel: formatModelRef(model) });
    revalidatePath("/settings");
    return { ok: true, message: `Default model set to ${model.modelId}.` };
  },
);
