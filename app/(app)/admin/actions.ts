"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { deletePriceOverride, getSystemKeyPolicy, setSystemKeyPolicy, upsertPriceOverride } from "@/db/queries/prices";
import { inTransaction } from "@/db/queries/transaction";
import { deleteWebhook, ORG_WEBHOOK_SCOPE, saveWebhook, sendTestWebhook, webhookFormSchema, webhookHost } from "@/lib/alerts/webhooks";
import { recordAudit } from "@/lib/audit/audit-log";
import { adminAction } from "@/lib/http/action";
import { nanoToUsdString } from "@/lib/money";
import { normaliseModelId } from "@/lib/pricing/model-id";
import { repriceUnpricedUsage } from "@/lib/pricing/reprice";
import { BUILT_IN_PROVIDERS } from "@/lib/providers/registry";
import { priceOverrideSchema } from "@/lib/settings/price-override-schema";
import { text } from "@/lib/validation/text";

// Each change and its audit row commit together.

const perMTok = (nano: number | null) => (nano === null ? undefined : nanoToUsdString(nano));

export const savePriceOverrideAction = adminAction(priceOverrideSchema, async (data, admin) => {
  const { modelId } = normaliseModelId(data.provider, data.modelId);
  await inTransaction(async (tx) => {
    await upsertPriceOverride(
      {
        provider: data.provider,
        modelId,
        inputNanoPerMTok: data.input,
        outputNanoPerMTok: data.output,
        cacheReadNanoPerMTok: data.cacheRead,
        cacheWriteNanoPerMTok: data.cacheWrite,
        note: data.note,
        updatedBy: admin.id,
      },
      tx,
    );
    await recordAudit(
      {
        actor: admin,
        action: "price_override.saved",
        details: {
          provider: data.provider,
          modelId,
          inputUsdPerMTok: perMTok(data.input),
          outputUsdPerMTok: perMTok(data.output),
          cacheReadUsdPerMTok: perMTok(data.cacheRead),
          cacheWriteUsdPerMTok: perMTok(data.cacheWrite),
          note: data.note ?? undefined,
        },
      },
      tx,
    );
  });
  const { repriced } = await repriceUnpricedUsage({ provider: data.provider });
  revalidatePath("/admin/models");
  return {
    ok: true,
    message: `Price override saved for ${modelId}.${repriced > 0 ? ` ${repriced} past unpriced call${repriced === 1 ? " is" : "s are"} now priced.` : ""}`,
  };
});

export const deletePriceOverrideAction = adminAction(
  z.object({ provider: priceOverrideSchema.shape.provider, modelId: text("Choose the override to remove.").min(1, "Choose the override to remove.") }),
  async ({ provider, modelId }, admin) => {
    const removed = await inTransaction(async (tx) => {
      const row = await deletePriceOverride({ provider, modelId }, tx);
      if (!row) return undefined;
      await recordAudit(
        {
          actor: admin,
          action: "price_override.deleted",
          details: {
            provider,
            modelId,
            inputUsdPerMTok: perMTok(row.inputNanoPerMTok),
            outputUsdPerMTok: perMTok(row.outputNanoPerMTok),
          },
        },
        tx,
      );
      return row;
    });
    if (!removed) return { error: "That override does not exist." };
    revalidatePath("/admin/models");
    return { ok: true, message: `Override for ${modelId} removed.` };
  },
);

export const setSystemKeyPolicyAction = adminAction(
  z.object({ provider: z.enum(BUILT_IN_PROVIDERS), allowUsers: z.enum(["true", "false"]) }),
  async ({ provider, allowUsers }, admin) => {
    const after = allowUsers === "true";
    await inTransaction(async (tx) => {
      const before = (await getSystemKeyPolicy(tx))[provider] === true;
      await setSystemKeyPolicy({ provider, allowUsers: after, updatedBy: admin.id }, tx);
      if (before !== after) {
        const word = (allowed: boolean) => (allowed ? "users may use it" : "admins and background work only");
        await recordAudit({ actor: admin, action: "system_key_policy.changed", details: { provider, from: word(before), to: word(after) } }, tx);
      }
    });
    revalidatePath("/admin/models");
    return { ok: true, message: after ? `Users without a key may now use the ${provider} system key.` : `The ${provider} system key is no longer shared with users.` };
  },
);

// The organisation's webhook for budget alerts (every user's alerts are posted to it). Audited by host only: the
// path of a chat webhook URL is itself a secret.

export const saveOrgWebhookAction = adminAction(webhookFormSchema, async ({ url }, admin) => {
  const { previousUrl } = await saveWebhook({ scope: ORG_WEBHOOK_SCOPE, userId: null, url });
  if (previousUrl !== url) {
    await recordAudit({
      actor: admin,
      action: "org_webhook.saved",
      details: { host: webhookHost(url), previousHost: previousUrl ? webhookHost(previousUrl) : undefined },
    });
  }
  revalidatePath("/admin/audit");
  return { ok: true, message: "Organisation webhook saved. Use “Send test” to check it." };
});

export const deleteOrgWebhookAction = adminAction(z.object({}), async (_data, admin) => {
  const removed = await deleteWebhook(ORG_WEBHOOK_SCOPE);
  if (!removed) return { error: "There is no organisation webhook." };
  await recordAudit({ actor: admin, action: "org_webhook.deleted", details: { host: webhookHost(removed) } });
  revalidatePath("/admin/audit");
  return { ok: true, message: "Organisation webhook removed." };
});

export const testOrgWebhookAction = adminAction(z.object({}), async (_data, admin) => {
  const outcome = await sendTestWebhook(ORG_WEBHOOK_SCOPE, admin);
  revalidatePath("/admin/audit");
  if (!outcome) return { error: "Save a webhook URL first." };
  return outcome.ok ? { ok: true, message: "Test alert delivered." } : { error: `Test alert ${outcome.status}. ${outcome.error ?? ""}`.trim() };
});
