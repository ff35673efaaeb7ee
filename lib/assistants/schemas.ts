import { z } from "zod";
import { validationError } from "@/lib/errors";
import { parseModelRef } from "@/lib/providers/model-ref";
import { uuid } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";

export const ASSISTANT_NAME_MAX = 60;
export const ASSISTANT_PROMPT_MAX = 8000;
export const ASSISTANT_DELEGATES_MAX = 50;

const name = text("Give the assistant a name.")
  .trim()
  .min(1, "Give the assistant a name.")
  .max(ASSISTANT_NAME_MAX, `Use at most ${ASSISTANT_NAME_MAX} characters.`)
  .regex(/^[^\p{Cc}]+$/u, "Use a single line of text for the name.");

const systemPrompt = text("Write the assistant's instructions.")
  // Browsers send textarea line breaks as CRLF: count them as one character, as the person typed them.
  .transform((value) => value.replace(/\r\n?/g, "\n"))
  .pipe(
    z
      .string()
      .trim()
      .min(1, "Write the assistant's instructions.")
      .max(ASSISTANT_PROMPT_MAX, `Use at most ${ASSISTANT_PROMPT_MAX.toLocaleString("en-US")} characters.`),
  );

/** Empty → null (the user's default model); otherwise a model ref this app can call. */
const preferredModel = text()
  .trim()
  .max(300, "That is not a model this app knows how to call.")
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    const ref = parseModelRef(value);
    if (!ref) {
      ctx.addIssue({ code: "custom", message: "That is not a model this app knows how to call." });
      return z.NEVER;
    }
    return ref;
  });

/**
 * The assistant form without its delegates. Delegates arrive as repeated `delegateIds` checkbox fields, which
 * `Object.fromEntries(formData)` collapses to the last one: the action reads them with `readDelegateIds(formData)`.
 */
export const assistantSchema = z.object({ name, systemPrompt, preferredModel });
export type AssistantFields = z.output<typeof assistantSchema>;

/** An assistant id from a form; a malformed one is "does not exist", like someone else's (requireOwnAssistant). */
const assistantId = text().min(1, "That assistant does not exist.");

export const updateAssistantSchema = assistantSchema.extend({ assistantId });

export const deleteAssistantSchema = z.object({ assistantId });

export const delegateIdsSchema = z
  .array(uuid("Choose delegates from your own assistants."))
  .max(ASSISTANT_DELEGATES_MAX, `Choose at most ${ASSISTANT_DELEGATES_MAX} assistants to delegate to.`)
  .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]);

const delegatesForm = z.object({ delegateIds: delegateIdsSchema });

/** Every `delegateIds` field of the form, validated; a bad one is a field error beside the delegate checkboxes. */
export function readDelegateIds(formData: FormData): string[] {
  const parsed = delegatesForm.safeParse({ delegateIds: formData.getAll("delegateIds").filter((v) => v !== "") });
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data.delegateIds;
}

export type AssistantInput = AssistantFields & { delegateIds: string[] };
