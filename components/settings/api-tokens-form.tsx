"use client";

import { useActionState, useState } from "react";
import { toast } from "sonner";
import { createApiTokenAction } from "@/app/(app)/settings/api-token-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import { SCOPE_INFO, SCOPES } from "@/lib/api-tokens/scopes";
import type { ActionState } from "@/lib/http/action";

/** Settings → API tokens → Create. The new token is shown once, right here, with a copy button. */
export function CreateApiTokenForm({ today }: { today: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createApiTokenAction, {});
  useActionFeedback(state);
  // Controlled, so the boxes survive a refused submission (React resets uncontrolled fields after an action).
  const [scopes, setScopes] = useState<Set<string>>(() => new Set(["gateway"]));
  const errors = state.fieldErrors ?? {};
  const value = (name: string) => (state.ok ? "" : (state.values?.[name] ?? ""));
  const token = state.ok ? state.values?.token : undefined;
  return (
    <div className="space-y-4">
      {token ? <NewToken token={token} name={state.values?.tokenName ?? ""} /> : null}
      <form action={action} className="space-y-4" data-testid="create-token-form" noValidate>
        {state.error ? <Alert>{state.error}</Alert> : null}
        <FormField name="name" label="Name" placeholder="CI, Claude Code, billing-service…" maxLength={80} defaultValue={value("name")} errors={errors.name} />
        <fieldset className="space-y-1.5">
          <legend className="text-sm font-medium text-zinc-900">Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                className="mt-1"
                checked={scopes.has(scope)}
                onChange={(e) => {
                  const next = new Set(scopes);
                  if (e.target.checked) next.add(scope);
                  else next.delete(scope);
                  setScopes(next);
                }}
                data-testid={`scope-${scope}`}
              />
              <span>
                <span className="font-medium">{SCOPE_INFO[scope].label}</span>{" "}
                <span className="text-zinc-600">— {SCOPE_INFO[scope].description}</span>
              </span>
            </label>
          ))}
          {errors.scopes ? (
            <p className="text-sm text-red-600" data-testid="scopes-error">
              {errors.scopes.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField name="expiresOn" label="Expires after (optional)" type="date" min={today} defaultValue={value("expiresOn")} errors={errors.expiresOn} hint="Works until that day ends in your time zone. Empty: never expires." />
          <FormField name="defaultFeature" label="Default feature (optional)" placeholder="api" defaultValue={value("defaultFeature")} errors={errors.defaultFeature} hint="The feature tag for its calls when a request names none." />
          <FormField name="monthlyUsd" label="Monthly budget (USD, optional)" inputMode="decimal" placeholder="10" defaultValue={value("monthlyUsd")} errors={errors.monthlyUsd} hint="This token's own limit; your budgets apply too." />
        </div>
        <Button type="submit" disabled={pending} data-testid="create-token">
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}

function NewToken({ token, name }: { token: string; name: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Alert tone="info" role="status" data-testid="new-token">
      <p className="font-medium">Your new token “{name}”. Copy it now: it is shown only this once.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900" data-testid="new-token-value">
          {token}
        </code>
        <Button
          variant="secondary"
          className="h-8 px-3"
          data-testid="copy-token"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(token);
              setCopied(true);
              toast.success("Token copied.");
            } catch {
              toast.error("Could not copy: select the token and copy it by hand.");
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Alert>
  );
}
