"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { deletePriceOverride, setSystemKeyPolicy, upsertPriceOverride } from "@/db/queries/prices";
import { adminAction } from "@/lib/http/action";
import { normaliseModelId } from "@/lib/pricing/model-id";
import { repriceUnpricedUsage } from "@/lib/pricing/reprice";
import { BUILT_IN_PROVIDERS } from "@/lib/providers/registry";
import { priceOverrideSchema } from "@/lib/settings/price-override-schema";

export const savePriceOverrideAction = adminAction(priceOverrideSchema, async (data, admin) => {
  const { modelId } = normaliseModelId(data.provider, data.modelId);
  await upsertPriceOverride({
    provider: data.provider,
    modelId,
    inputNanoPerMTok: data.input,
    outputNanoPerMTok: data.output,
    cacheReadNanoPerMTok: data.cacheRead,
    cacheWriteNanoPerMTok: data.cacheWrite,
    note: data.note,
    updatedBy: admin.id,
  });
  const { repriced } = await repriceUnpricedUsage({ provider: data.provider });
  revalidatePath("/admin/models");
  return {
    ok: true,
    message: `Price override saved for ${modelId}.${repriced > 0 ? ` ${repriced} past unpriced call${repriced === 1 ? " is" : "s are"} now priced.` : ""}`,
  };
});

export const deletePriceOverrideAction = adminAction(
  z.object({ provider: priceOverrideSchema.shape.provider, modelId: z.string().min(1) }),
  async ({ provider, modelId }) => {
    const removed = await deletePriceOverride({ provider, modelId });
    revalidatePath("/admin/models");
    return removed ? { ok: true, message: `Override for ${modelId} removed.` } : { error: "That override does not exist." };
  },
);

export const setSystemKeyPolicyAction = adminAction(
  z.object({ provider: z.enum(BUILT_IN_PROVIDERS), allowUsers: z.enum(["true", "false"]) }),
  async ({ provider, allowUsers }, admin) => {
    await setSystemKeyPolicy({ provider, allowUsers: allowUsers === "true", updatedBy: admin.id });
    revalidatePath("/admin/models");
    return { ok: true, message: allowUsers === "true" ? `Users without a key may now use the ${provider} system key.` : `The ${provider} system key is no longer shared with users.` };
  },
);
