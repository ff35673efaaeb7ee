"use client";

import { useActionState, useState } from "react";
import { createApiTokenAction } from "@/app/(app)/settings/api-token-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ApiTokenScope } from "@/db/schema";
import { SCOPE_INFO, SCOPES } from "@/lib/api-tokens/scopes";
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
  const [scopes, setScopes] = useState<Set<ApiTokenScope>>(() => new Set(["gateway", "track"]));
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
        <Alert tone="info" role="status" data-testid="connect-new-token">
          <p className="font-medium">Your new token “{state.values?.tokenName}”: it is shown only this once, and filled into the snippets below.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900" data-testid="connect-new-token-value">
              {token}
            </code>
            <CopyButton getText={() => token} aria-label="Copy the token" className="border border-brand-100 bg-white text-brand-700 hover:bg-brand-50" data-testid="connect-copy-token" />
          </div>
        </Alert>
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
        <fieldset className="flex flex-wrap gap-x-4 gap-y-1">
          <legend className="mb-1 text-sm font-medium text-zinc-900">Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="flex items-center gap-1.5 text-sm" title={SCOPE_INFO[scope].description}>
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                checked={scopes.has(scope)}
                onChange={(e) => {
                  const next = new Set(scopes);
                  if (e.target.checked) next.add(scope);
                  else next.delete(scope);
                  setScopes(next);
                }}
                data-testid={`connect-scope-${scope}`}
              />
              {SCOPE_INFO[scope].label}
            </label>
          ))}
          {errors.scopes ? <p className="w-full text-sm text-red-600">{errors.scopes.join(" ")}</p> : null}
        </fieldset>
        <Button type="submit" disabled={pending} data-testid="connect-create-token">
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}
