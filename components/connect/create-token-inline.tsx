"use client";

import { useActionState } from "react";
import { createApiTokenAction } from "@/app/(app)/settings/api-token-actions";
import { NewTokenPanel } from "@/components/api-tokens/new-token-panel";
import { ScopeCheckboxes } from "@/components/api-tokens/scope-checkboxes";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ApiTokenScope } from "@/db/schema";
import { SCOPES } from "@/lib/api-tokens/scopes";
import type { ActionState } from "@/lib/http/action";

export interface CreatedToken {
  token: string;
  name: string;
  scopes: ApiTokenScope[];
}

/**
 * "Create a token for this app": the Settings action (same validation, audit and one-time display), with only a name
 * and scopes here; the new token is handed to the page to fill the snippets, and shown once with a copy button.
 */
export function CreateTokenInline({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(async (previous, formData) => {
    const next = await createApiTokenAction(previous, formData);
    const token = next.ok ? next.values?.token : undefined;
    if (token) onCreated({ token, name: next.values?.tokenName ?? "", scopes: SCOPES.filter((s) => formData.getAll("scopes").includes(s)) });
    return next;
  }, {});
  useActionFeedback(state);
  const errors = state.fieldErrors ?? {};
  const token = state.ok ? state.values?.token : undefined;
  return (
    <div className="space-y-3">
      {token ? (
        <NewTokenPanel token={token} name={state.values?.tokenName ?? ""} note="It is also filled into the snippets below." testIdPrefix="connect-" />
      ) : null}
      <form action={action} className="space-y-3" data-testid="connect-create-token-form" noValidate>
        {state.error ? <Alert>{state.error}</Alert> : null}
        <FormField
          name="name"
          id="connect-token-name"
          label="Name"
          placeholder="Claude Code, nightly-report, billing-service…"
          maxLength={80}
          defaultValue={state.ok ? "" : (state.values?.name ?? "")}
          errors={errors.name}
        />
        <ScopeCheckboxes initial={["gateway", "track"]} errors={errors.scopes} testIdPrefix="connect-" compact />
        <Button type="submit" disabled={pending} data-testid="connect-create-token">
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}
