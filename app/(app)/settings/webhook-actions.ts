"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { deleteWebhook, saveWebhook, sendTestWebhook, webhookFormSchema } from "@/lib/alerts/webhooks";
import { userAction } from "@/lib/http/action";

// The signed-in user's own webhook for budget alerts: its scope is always their user id (never a form field).

export const saveWebhookAction = userAction(webhookFormSchema, async ({ url }, user) => {
  await saveWebhook({ scope: user.id, userId: user.id, url });
  revalidatePath("/settings");
  return { ok: true, message: "Webhook saved. Use “Send test” to check it." };
});

export const deleteWebhookAction = userAction(z.object({}), async (_data, user) => {
  const removed = await deleteWebhook(user.id);
  revalidatePath("/settings");
  return removed ? { ok: true, message: "Webhook removed." } : { error: "You have no webhook." };
});

export const testWebhookAction = userAction(z.object({}), async (_data, user) => {
  const outcome = await sendTestWebhook(user.id, user);
  revalidatePath("/settings");
  if (!outcome) return { error: "Save a webhook URL first." };
  return outcome.ok ? { ok: true, message: "Test alert delivered." } : { error: `Test alert ${outcome.status}. ${outcome.error ?? ""}`.trim() };
});
