"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { setDefaultModel } from "@/db/queries/settings";
import { userAction } from "@/lib/http/action";
import { modelRefSchema, formatModelRef } from "@/lib/providers/model-ref";
import { assertModelAvailable } from "@/lib/providers/model-catalog";
import { saveUserBudget } from "@/lib/settings/budget";
import { removeProviderKey, saveProviderKey } from "@/lib/settings/provider-keys";
import { budgetSchema, saveKeySchema } from "@/lib/settings/schemas";

export const saveKeyAction = userAction(saveKeySchema, async (data, user) => {
  const result = await saveProviderKey(user.id, data);
  revalidatePath("/settings");
  return { ok: true, message: result.message, values: { check: result.check } };
});

export const deleteKeyAction = userAction(z.object({ keyId: z.string().min(1) }), async ({ keyId }, user) => {
  const removed = await removeProviderKey(user.id, keyId);
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
