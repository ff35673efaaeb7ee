"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useState } from "react";
import { saveKeyAction } from "@/app/(app)/settings/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { FIELD_CLASS, FormField } from "@/components/ui/form-field";
import { SelectMenu, SelectMenuContent, SelectMenuItem, SelectMenuTrigger, SelectMenuValue } from "@/components/ui/select-menu";
import { queryKeys } from "@/lib/chat/client-api";
import type { ActionState } from "@/lib/http/action";

const OPTIONS = [
  { id: "openai", label: "OpenAI", placeholder: "sk-…" },
  { id: "anthropic", label: "Anthropic", placeholder: "sk-ant-…" },
  { id: "google", label: "Google Gemini", placeholder: "AIza…" },
  { id: "openrouter", label: "OpenRouter", placeholder: "sk-or-…" },
  { id: "openai-compatible", label: "OpenAI-compatible endpoint (Ollama, vLLM, LM Studio…)", placeholder: "optional" },
] as const;

export function AddKeyForm() {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveKeyAction, {});
  const [provider, setProvider] = useState<string>(state.values?.provider ?? "openai");
  // The result shows once, inline above the form (no toast on top of it).
  const queryClient = useQueryClient();
  useEffect(() => {
    // A new key unlocks models: the pickers and the palette read them again.
    if (state.ok) void queryClient.invalidateQueries({ queryKey: queryKeys.models });
  }, [state, queryClient]);
  const isCompat = provider === "openai-compatible";
  const option = OPTIONS.find((o) => o.id === provider) ?? OPTIONS[0];
  return (
    <form action={action} className="space-y-4" data-testid="add-key-form" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      {state.ok && state.message ? (
        <Alert tone={state.values?.check === "valid" ? "info" : "error"} data-testid="key-result" role="status">
          {state.message}
        </Alert>
      ) : null}
      <div className={FIELD_CLASS}>
        <Label htmlFor="provider">Provider</Label>
        {/* A controlled hidden input: it keeps the choice when React resets the form after the action. */}
        <input type="hidden" name="provider" value={provider} />
        <SelectMenu value={provider} onValueChange={setProvider}>
          <SelectMenuTrigger id="provider" data-testid="provider-select">
            <SelectMenuValue />
          </SelectMenuTrigger>
          <SelectMenuContent>
            {OPTIONS.map((o) => (
              <SelectMenuItem key={o.id} value={o.id}>
                {o.label}
              </SelectMenuItem>
            ))}
          </SelectMenuContent>
        </SelectMenu>
        {state.fieldErrors?.provider ? <p className="text-sm text-red-600">{state.fieldErrors.provider.join(" ")}</p> : null}
      </div>
      {isCompat ? (
        <>
          <FormField name="name" label="Name" placeholder="Ollama" defaultValue={state.values?.name} errors={state.fieldErrors?.name} />
          <FormField
            name="baseUrl"
            label="Base URL"
            placeholder="http://localhost:11434/v1"
            defaultValue={state.values?.baseUrl}
            errors={state.fieldErrors?.baseUrl}
          />
        </>
      ) : null}
      <FormField
        key={provider}
        name="apiKey"
        label={isCompat ? "API key (optional)" : "API key"}
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={option.placeholder}
        hint="Checked with the provider, then stored encrypted. You will only see its last 4 characters."
        errors={state.fieldErrors?.apiKey}
      />
      <Button type="submit" disabled={pending} data-testid="save-key">
        {pending ? "Checking the key…" : "Check and save"}
      </Button>
    </form>
  );
}
