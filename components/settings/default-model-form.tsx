"use client";

import { useActionState, useState } from "react";
import { setDefaultModelAction } from "@/app/(app)/settings/actions";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";
import { formatPerMTok } from "@/lib/money";
import type { ModelGroup, ModelOption } from "@/lib/providers/model-catalog";

function describe(model: ModelOption): string {
  const price = model.price ? `${formatPerMTok(model.price.input)} in / ${formatPerMTok(model.price.output)} out per 1M tokens` : "price unknown";
  const context = model.contextWindow ? ` · ${Math.round(model.contextWindow / 1000)}k context` : "";
  return `${model.modelId} — ${price}${context}`;
}

export function DefaultModelForm({ groups, current }: { groups: ModelGroup[]; current: string | null }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setDefaultModelAction, {});
  const [custom, setCustom] = useState("");
  const [endpoint, setEndpoint] = useState(groups.find((g) => g.allowsCustomModel)?.endpointId ?? "");
  useActionFeedback(state);
  const endpoints = groups.filter((g) => g.allowsCustomModel);
  return (
    <div className="space-y-6">
      <form action={action} className="space-y-3" data-testid="default-model-form">
        <div className="space-y-1.5">
          <Label htmlFor="model">Default model for new chats</Label>
          <Select id="model" name="model" defaultValue={current ?? ""} aria-invalid={Boolean(state.fieldErrors?.model || state.error) || undefined}>
            <option value="" disabled>
              Choose a model…
            </option>
            {groups.map((group) => (
              <optgroup key={`${group.provider}:${group.endpointId ?? ""}`} label={`${group.label}${group.keySource === "system" ? " (shared key)" : ""}`}>
                {group.models.map((model) => (
                  <option key={model.ref} value={model.ref}>
                    {describe(model)}
                  </option>
                ))}
              </optgroup>
            ))}
          </Select>
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
            <div className="space-y-1.5">
              <Label htmlFor="custom-endpoint">Endpoint</Label>
              <Select id="custom-endpoint" value={endpoint} onChange={(e) => setEndpoint(e.target.value)}>
                {endpoints.map((g) => (
                  <option key={g.endpointId} value={g.endpointId}>
                    {g.label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor="custom-model">Model id</Label>
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
