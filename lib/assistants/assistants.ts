import "server-only";
import {
  deleteAssistant,
  getOwnAssistant,
  getOwnAssistants,
  insertAssistant,
  listAssistants,
  updateAssistant,
} from "@/db/queries/assistants";
import type { Assistant } from "@/db/schema";
import { isUniqueViolation } from "@/db/sql-state";
import type { AssistantView } from "@/lib/chat/contract";
import { AppError } from "@/lib/errors";
import { assertModelAvailable } from "@/lib/providers/model-catalog";
import { formatModelRef, type ModelRef } from "@/lib/providers/model-ref";
import { parseId } from "@/lib/validation/id";
import type { AssistantInput } from "./schemas";

/**
 * A user's assistants: every function takes the signed-in user's id and only ever reads or changes that user's rows.
 * Someone else's assistant id behaves exactly like one that does not exist.
 */

const NOT_FOUND_MESSAGE = "That assistant does not exist (it may have been deleted already).";

function notFound(): AppError {
  return new AppError("not_found", NOT_FOUND_MESSAGE);
}

function fieldError(field: keyof AssistantInput, message: string): AppError {
  return new AppError("validation_failed", message, { details: { field } });
}

function duplicateName(name: string): AppError {
  return fieldError("name", `You already have an assistant called “${name}”. Choose another name.`);
}

/** `existingIds`: the user's assistants, so delegates deleted since are not shown. */
export function toAssistantView(assistant: Assistant, existingIds?: ReadonlySet<string>): AssistantView {
  return {
    id: assistant.id,
    name: assistant.name,
    systemPrompt: assistant.systemPrompt,
    preferredModel: assistant.preferredModel,
    delegateIds: existingIds ? assistant.delegateIds.filter((id) => existingIds.has(id)) : assistant.delegateIds,
    createdAt: assistant.createdAt.toISOString(),
  };
}

/** The user's assistants by name. */
export async function listAssistantViews(userId: string): Promise<AssistantView[]> {
  const rows = await listAssistants({ userId });
  const ids = new Set(rows.map((row) => row.id));
  return rows.map((row) => toAssistantView(row, ids));
}

async function requireOwnAssistant(userId: string, id: string): Promise<Assistant> {
  const parsed = parseId(id);
  const assistant = parsed ? await getOwnAssistant({ id: parsed, userId }) : undefined;
  if (!assistant) throw notFound();
  return assistant;
}

/** Names are unique per user, regardless of case ("Researcher" and "researcher" would be the same tool to a model). */
async function assertNameFree(userId: string, name: string, exceptId?: string): Promise<void> {
  const taken = (await listAssistants({ userId })).some(
    (a) => a.id !== exceptId && a.name.toLocaleLowerCase() === name.toLocaleLowerCase(),
  );
  if (taken) throw duplicateName(name);
}

/** Delegates must be the user's own assistants, never the assistant itself. */
async function checkDelegates(userId: string, ids: string[], selfId?: string): Promise<string[]> {
  if (selfId && ids.includes(selfId)) throw fieldError("delegateIds", "An assistant cannot delegate to itself.");
  const own = await getOwnAssistants({ ids, userId });
  if (own.length !== ids.length) {
    throw fieldError("delegateIds", "Choose delegates from your own assistants (one of them may have been deleted).");
  }
  return ids;
}

/**
 * The preferred model as stored (a model ref), after checking the user can call it. `unchanged` is the value already
 * stored: keeping it is allowed even if its key was removed since, so the rest of the assistant can still be edited.
 */
async function checkModel(userId: string, ref: ModelRef | null, unchanged: string | null = null): Promise<string | null> {
  if (!ref) return null;
  const value = formatModelRef(ref);
  if (value === unchanged) return value;
  try {
    await assertModelAvailable(userId, ref);
  } catch (error) {
    if (error instanceof AppError) throw fieldError("preferredModel", error.message);
    throw error;
  }
  return value;
}

export async function createAssistant(userId: string, input: AssistantInput): Promise<Assistant> {
  await assertNameFree(userId, input.name);
  const delegateIds = await checkDelegates(userId, input.delegateIds);
  const preferredModel = await checkModel(userId, input.preferredModel);
  const row = await insertAssistant({ userId, name: input.name, systemPrompt: input.systemPrompt, preferredModel, delegateIds });
  // Nothing inserted: the same name was saved in the meantime (the unique index decides).
  if (!row) throw duplicateName(input.name);
  return row;
}

export async function editAssistant(userId: string, id: string, input: AssistantInput): Promise<Assistant> {
  const existing = await requireOwnAssistant(userId, id);
  await assertNameFree(userId, input.name, existing.id);
  const delegateIds = await checkDelegates(userId, input.delegateIds, existing.id);
  const preferredModel = await checkModel(userId, input.preferredModel, existing.preferredModel);
  let row: Assistant | undefined;
  try {
    row = await updateAssistant({
      id: existing.id,
      userId,
      values: { name: input.name, systemPrompt: input.systemPrompt, preferredModel, delegateIds },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(input.name);
    throw error;
  }
  if (!row) throw notFound();
  return row;
}

export async function removeAssistant(userId: string, id: string): Promise<Assistant> {
  const existing = await requireOwnAssistant(userId, id);
  if (!(await deleteAssistant({ id: existing.id, userId }))) throw notFound();
  return existing;
}
