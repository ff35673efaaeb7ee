"use client";

import { useActionState } from "react";
import { savePriceOverrideAction } from "@/app/(app)/admin/actions";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { SelectMenu, SelectMenuContent, SelectMenuItem, SelectMenuTrigger, SelectMenuValue } from "@/components/ui/select-menu";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

/** `initial`: a model to price, e.g. from the admin's "unpriced usage" list. */
export function PriceOverrideForm({ initial }: { initial?: { provider?: string; modelId?: string } }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(savePriceOverrideAction, {});
  useActionFeedback(state);
  const v = (name: string) => state.values?.[name] ?? (name === "provider" ? initial?.provider : name === "modelId" ? initial?.modelId : undefined);
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" data-testid="price-override-form" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className={FIELD_CLASS}>
          <Label htmlFor="override-provider" className="self-end">
            Provider
          </Label>
          <SelectMenu key={v("provider")} name="provider" defaultValue={v("provider") ?? "openai-compatible"}>
            <SelectMenuTrigger id="override-provider">
              <SelectMenuValue />
            </SelectMenuTrigger>
            <SelectMenuContent>
              <SelectMenuItem value="openai">OpenAI</SelectMenuItem>
              <SelectMenuItem value="anthropic">Anthropic</SelectMenuItem>
              <SelectMenuItem value="google">Google Gemini</SelectMenuItem>
              <SelectMenuItem value="openrouter">OpenRouter</SelectMenuItem>
              <SelectMenuItem value="openai-compatible">OpenAI-compatible (Ollama…)</SelectMenuItem>
            </SelectMenuContent>
          </SelectMenu>
          {e.provider ? <p className="text-sm text-red-600">{e.provider.join(" ")}</p> : null}
        </div>
        <FormField id="override-model" name="modelId" label="Model id" placeholder="llama3.2" defaultValue={v("modelId")} errors={e.modelId} />
      </div>
      <div className="grid gap-4 sm:grid-cols-4">
        <FormField id="override-input" name="input" label="Input $/1M" inputMode="decimal" placeholder="0" defaultValue={v("input")} errors={e.input} />
        <FormField id="override-output" name="output" label="Output $/1M" inputMode="decimal" placeholder="0" defaultValue={v("output")} errors={e.output} />
        <FormField id="override-cache-read" name="cacheRead" label="Cache read $/1M" inputMode="decimal" placeholder="optional" defaultValue={v("cacheRead")} errors={e.cacheRead} />
        <FormField id="override-cache-write" name="cacheWrite" label="Cache write $/1M" inputMode="decimal" placeholder="optional" defaultValue={v("cacheWrite")} errors={e.cacheWrite} />
      </div>
      <FormField id="override-note" name="note" label="Note (optional)" placeholder="Negotiated price, contract 2026" defaultValue={v("note")} errors={e.note} />
      <Button type="submit" disabled={pending} data-testid="save-override">
        Save override
      </Button>
    </form>
  );
}
