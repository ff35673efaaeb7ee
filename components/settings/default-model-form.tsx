"use client";

import { useActionState, useState } from "react";
import { setDefaultModelAction } from "@/app/(app)/settings/actions";
import { ModelPicker } from "@/components/chat/model-picker";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { SelectMenu, SelectMenuContent, SelectMenuItem, SelectMenuTrigger, SelectMenuValue } from "@/components/ui/select-menu";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";
import type { ModelGroup } from "@/lib/providers/model-catalog";

export function DefaultModelForm({ groups, current }: { groups: ModelGroup[]; current: string | null }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setDefaultModelAction, {});
  // What was picked (and, after saving, what was saved): the page re-renders, this field keeps showing it.
  const [model, setModel] = useState(current ?? "");
  const [shownCurrent, setShownCurrent] = useState(current);
  if (current !== shownCurrent) {
    // Saved (here or through the custom-model form): show what the server now has.
    setShownCurrent(current);
    setModel(current ?? "");
  }
  const [custom, setCustom] = useState("");
  const [endpoint, setEndpoint] = useState(groups.find((g) => g.allowsCustomModel)?.endpointId ?? "");
  useActionFeedback(state);
  const endpoints = groups.filter((g) => g.allowsCustomModel);
  return (
    <div className="space-y-6">
      <form action={action} className="space-y-3" data-testid="default-model-form">
        <div className={FIELD_CLASS}>
          <Label htmlFor="model">Default model for new chats</Label>
          <ModelPicker
            id="model"
            name="model"
            groups={groups}
            value={model || null}
            onChange={setModel}
            aria-invalid={Boolean(state.fieldErrors?.model || state.error)}
            className="max-w-md"
            data-testid="default-model-picker"
          />
          {state.fieldErrors?.model ? <p className="text-sm text-red-600" data-testid="model-error">{state.fieldErrors.model.join(" ")}</p> : null}
          {state.error ? <p className="text-sm text-red-600" data-testid="model-error">{state.error}</p> : null}
        </div>
        <Button type="submit" disabled={pending} data-testid="save-default-model">
          Save default model
        </Button>
      </form>
      {endpoints.length > 0 ? (
        <form action={action} className="space-y-3 border-t border-zinc-100 pt-4" data-testid="custom-model-form">
          <p className="text-sm text-zinc-600">Or type a model id served by one of your OpenAI-compatible endpoints:</p>
          <div className="grid gap-3 sm:grid-cols-2">
            <div className={FIELD_CLASS}>
              <Label htmlFor="custom-endpoint" className="self-end">Endpoint</Label>
              <SelectMenu value={endpoint} onValueChange={setEndpoint}>
                <SelectMenuTrigger id="custom-endpoint">
                  <SelectMenuValue />
                </SelectMenuTrigger>
                <SelectMenuContent>
                  {endpoints.map((g) => (
                    <SelectMenuItem key={g.endpointId} value={g.endpointId ?? ""}>
                      {g.label}
                    </SelectMenuItem>
                  ))}
                </SelectMenuContent>
              </SelectMenu>
            </div>
            <div className={FIELD_CLASS}>
              <Label htmlFor="custom-model" className="self-end">Model id</Label>
              <Input id="custom-model" value={custom} onChange={(e) => setCustom(e.target.value)} placeholder="llama3.2:latest" />
            </div>
          </div>
          <input type="hidden" name="model" value={`openai-compatible:${endpoint}:${custom.trim()}`} />
          <Button type="submit" variant="secondary" disabled={pending || !custom.trim()}>
            Use this model
          </Button>
        </form>
      ) : null}
    </div>
  );
}
