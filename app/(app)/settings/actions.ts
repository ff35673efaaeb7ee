"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { getProviderKeyByName } from "@/db/queries/provider-keys";
import { setDefaultModel } from "@/db/queries/settings";
import { recordAudit } from "@/lib/audit/audit-log";
import { userAction } from "@/lib/http/action";
import { modelRefSchema, formatModelRef } from "@/lib/providers/model-ref";
import { assertModelAvailable } from "@/lib/providers/model-catalog";
import { saveUserBudget } from "@/lib/settings/budget";
import { removeProviderKey, saveProviderKey } from "@/lib/settings/provider-keys";
import { budgetSchema, saveKeySchema } from "@/lib/settings/schemas";

// Key changes are audited with the user as actor and target: provider, name and last 4 only, never the key.
// saveProviderKey and removeProviderKey take no transaction, so the row is written right after the change commits.

export const saveKeyAction = userAction(saveKeySchema, async (data, user) => {
  const name = data.provider === "openai-compatible" ? data.name : data.provider;
  const previous = await getProviderKeyByName({ userId: user.id, provider: data.provider, name });
  const result = await saveProviderKey(user.id, data);
  await recordAudit(await getDb(), {
    actor: user,
    target: user,
    action: previous ? "key.replaced" : "key.added",
    details: {
      provider: data.provider,
      name: data.provider === "openai-compatible" ? name : undefined,
      last4: result.key.last4,
      previousLast4: previous ? previous.keyLast4 : undefined,
      check: result.check,
    },
  });
  revalidatePath("/settings");
  return { ok: true, message: result.message, values: { check: result.check } };
});

export const deleteKeyAction = userAction(z.object({ keyId: z.string().min(1) }), async ({ keyId }, user) => {
  const removed = await removeProviderKey(user.id, keyId);
  await recordAudit(await getDb(), {
    actor: user,
    target: user,
    action: "key.deleted",
    details: { provider: removed.provider, name: removed.provider === "openai-compatible" ? removed.name : undefined, last4: removed.last4 },
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
