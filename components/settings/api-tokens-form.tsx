"use client";

import { useActionState } from "react";
import { createApiTokenAction } from "@/app/(app)/settings/api-token-actions";
import { NewTokenPanel } from "@/components/api-tokens/new-token-panel";
import { ScopeCheckboxes } from "@/components/api-tokens/scope-checkboxes";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

/** Settings → API tokens → Create. The new token is shown once, right here, with a copy button. */
export function CreateApiTokenForm({ today }: { today: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createApiTokenAction, {});
  useActionFeedback(state);
  const errors = state.fieldErrors ?? {};
  const value = (name: string) => (state.ok ? "" : (state.values?.[name] ?? ""));
  const token = state.ok ? state.values?.token : undefined;
  return (
    <div className="space-y-4">
      {token ? <NewTokenPanel token={token} name={state.values?.tokenName ?? ""} /> : null}
      <form action={action} className="space-y-4" data-testid="create-token-form" noValidate>
        {state.error ? <Alert>{state.error}</Alert> : null}
        <FormField name="name" label="Name" placeholder="CI, Claude Code, billing-service…" maxLength={80} defaultValue={value("name")} errors={errors.name} />
        <ScopeCheckboxes initial={["gateway"]} errors={errors.scopes} />
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField name="expiresOn" label="Expires after (optional)" type="date" min={today} defaultValue={value("expiresOn")} errors={errors.expiresOn} hint="Works until that day ends in your time zone. Empty: never expires." />
          <FormField name="defaultFeature" label="Default feature (optional)" placeholder="api" defaultValue={value("defaultFeature")} errors={errors.defaultFeature} hint="The feature tag for its calls when a request names none." />
          <FormField name="monthlyUsd" label="Monthly budget (USD, optional)" inputMode="decimal" placeholder="10" defaultValue={value("monthlyUsd")} errors={errors.monthlyUsd} hint="This token's own limit per calendar month (UTC); your budgets apply too." />
        </div>
        <Button type="submit" disabled={pending} data-testid="create-token">
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}
