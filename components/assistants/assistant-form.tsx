"use client";

import { useActionState, useEffect, useState } from "react";
import { createAssistantAction, updateAssistantAction } from "@/app/(app)/assistants/actions";
import { Alert } from "@/components/ui/alert";
import { ModelPicker } from "@/components/chat/model-picker";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { AssistantView } from "@/lib/chat/contract";
import { cn } from "@/lib/cn";
import type { ActionState } from "@/lib/http/action";
import type { ModelGroup } from "@/lib/providers/model-catalog";
import { ASSISTANT_NAME_MAX, ASSISTANT_PROMPT_MAX } from "@/lib/assistants/schemas";

export interface AssistantFormProps {
  groups: ModelGroup[];
  /** The assistants this one may delegate to (for an edit: all the others). */
  others: { id: string; name: string }[];
  /** The user's default model id, shown on the "default" option; null when none is set. */
  defaultModel: string | null;
  /** Given: edit this assistant; absent: create a new one. */
  assistant?: AssistantView;
  /** Called once the assistant is saved (an edit form closes). */
  onSaved?: () => void;
  onCancel?: () => void;
}

export function AssistantForm({ groups, others, defaultModel, assistant, onSaved, onCancel }: AssistantFormProps) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(
    assistant ? updateAssistantAction : createAssistantAction,
    {},
  );
  // Delegates are repeated checkbox fields, which the echoed `state.values` cannot hold: remember what was sent, so
  // a refused form comes back with the same boxes ticked.
  const [submittedDelegates, setSubmittedDelegates] = useState<string[] | null>(null);
  useActionFeedback(state);
  useEffect(() => {
    if (state.ok) onSaved?.();
  }, [state, onSaved]);

  const formAction = (formData: FormData) => {
    setSubmittedDelegates(formData.getAll("delegateIds").map(String));
    dispatch(formData);
  };

  const prefix = assistant ? `assistant-${assistant.id}` : "new-assistant";
  const saved = state.ok === true;
  const value = (name: "name" | "systemPrompt" | "preferredModel") =>
    state.values?.[name] ?? (saved && !assistant ? "" : (assistant?.[name] ?? ""));
  const checked = new Set(
    saved ? (assistant?.delegateIds ?? []) : (submittedDelegates ?? assistant?.delegateIds ?? []),
  );
  const errors = state.fieldErrors ?? {};
  const currentModel = value("preferredModel");
  // Follows what the form shows after each result (saved, refused, reset for the next new assistant).
  const [chosen, setChosen] = useState({ from: currentModel, ref: currentModel });
  if (chosen.from !== currentModel) setChosen({ from: currentModel, ref: currentModel });
  const chosenModel = chosen.ref;
  const setChosenModel = (ref: string) => setChosen({ from: currentModel, ref });

  return (
    <form action={formAction} className="space-y-4" data-testid="assistant-form" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      {assistant ? <input type="hidden" name="assistantId" value={assistant.id} /> : null}
      <FormField
        id={`${prefix}-name`}
        name="name"
        label="Name"
        placeholder="Researcher"
        maxLength={ASSISTANT_NAME_MAX}
        defaultValue={value("name")}
        errors={errors.name}
        data-testid="assistant-name"
      />
      <div className="space-y-1.5">
        <Label htmlFor={`${prefix}-prompt`}>Instructions (system prompt)</Label>
        <textarea
          id={`${prefix}-prompt`}
          name="systemPrompt"
          rows={6}
          maxLength={ASSISTANT_PROMPT_MAX}
          placeholder="You research questions thoroughly and answer with sources."
          defaultValue={value("systemPrompt")}
          aria-invalid={errors.systemPrompt ? true : undefined}
          aria-describedby={errors.systemPrompt ? `${prefix}-prompt-error` : undefined}
          data-testid="assistant-prompt"
          className={cn(
            "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs placeholder:text-zinc-400",
            "focus:border-brand-500 focus:outline-2 focus:outline-brand-100 aria-invalid:border-red-500",
          )}
        />
        {errors.systemPrompt ? (
          <p id={`${prefix}-prompt-error`} className="text-sm text-red-600" data-testid="systemPrompt-error">
            {errors.systemPrompt.join(" ")}
          </p>
        ) : (
          <p className="text-xs text-zinc-500">Up to {ASSISTANT_PROMPT_MAX.toLocaleString("en-US")} characters.</p>
        )}
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={`${prefix}-model`}>Preferred model</Label>
        <ModelPicker
          id={`${prefix}-model`}
          name="preferredModel"
          groups={groups}
          value={chosenModel}
          onChange={setChosenModel}
          noneLabel={defaultModel ? `Your default model (${defaultModel})` : "Your default model (none set yet)"}
          aria-invalid={Boolean(errors.preferredModel)}
          data-testid="assistant-model"
        />
        {errors.preferredModel ? (
          <p className="text-sm text-red-600" data-testid="preferredModel-error">
            {errors.preferredModel.join(" ")}
          </p>
        ) : groups.length === 0 ? (
          <p className="text-xs text-zinc-500">Add a provider key in Settings to choose a model for this assistant.</p>
        ) : null}
      </div>
      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium text-zinc-800">May delegate to</legend>
        {others.length === 0 ? (
          <p className="text-xs text-zinc-500">
            {assistant ? "Create more assistants to let this one delegate to them." : "Your other assistants will appear here."}
          </p>
        ) : (
          <ul className="grid gap-1 sm:grid-cols-2">
            {others.map((other) => (
              <li key={other.id}>
                <label className="flex items-center gap-2 text-sm text-zinc-700">
                  <input
                    type="checkbox"
                    name="delegateIds"
                    value={other.id}
                    defaultChecked={checked.has(other.id)}
                    data-testid={`delegate-${other.name}`}
                    className="size-4 rounded border-zinc-300 accent-brand-600"
                  />
                  {other.name}
                </label>
              </li>
            ))}
          </ul>
        )}
        {errors.delegateIds ? (
          <p className="text-sm text-red-600" data-testid="delegateIds-error">
            {errors.delegateIds.join(" ")}
          </p>
        ) : others.length > 0 ? (
          <p className="text-xs text-zinc-500">They become tools this assistant can call; each call is metered on its own.</p>
        ) : null}
      </fieldset>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending} data-testid="save-assistant">
          {pending ? "Saving…" : assistant ? "Save changes" : "Create assistant"}
        </Button>
        {onCancel ? (
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
