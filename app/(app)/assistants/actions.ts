"use server";

import { revalidatePath } from "next/cache";
import { createAssistant, editAssistant, removeAssistant } from "@/lib/assistants/assistants";
import { assistantSchema, deleteAssistantSchema, readDelegateIds, updateAssistantSchema } from "@/lib/assistants/schemas";
import { userAction } from "@/lib/http/action";

export const createAssistantAction = userAction(assistantSchema, async (data, user, formData) => {
  const assistant = await createAssistant(user.id, { ...data, delegateIds: readDelegateIds(formData) });
  revalidatePath("/assistants");
  return { ok: true, message: `Assistant “${assistant.name}” created.` };
});

export const updateAssistantAction = userAction(updateAssistantSchema, async ({ assistantId, ...data }, user, formData) => {
  const assistant = await editAssistant(user.id, assistantId, { ...data, delegateIds: readDelegateIds(formData) });
  revalidatePath("/assistants");
  return { ok: true, message: `Assistant “${assistant.name}” saved.` };
});

export const deleteAssistantAction = userAction(deleteAssistantSchema, async ({ assistantId }, user) => {
  const removed = await removeAssistant(user.id, assistantId);
  revalidatePath("/assistants");
  return { ok: true, message: `Assistant “${removed.name}” deleted.` };
});
