"use client";

import { useActionState } from "react";
import { saveDefaultBudgetAction, saveOrgCapAction } from "@/app/(app)/admin/settings/budget-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

export interface DefaultBudgetValues {
  monthlyUsd: string;
  dailyUsd: string;
  monthlyTokens: string;
  dailyTokens: string;
  mode: "enforce" | "warn";
  alertThresholds: string;
}

function ModeSelect({ id, value, errors }: { id: string; value: string; errors?: string[] }) {
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>When it is reached</Label>
      <Select id={id} name="mode" defaultValue={value}>
        <option value="enforce">Block further requests</option>
        <option value="warn">Allow, but alert</option>
      </Select>
      {errors ? <p className="text-sm text-red-600">{errors.join(" ")}</p> : null}
    </div>
  );
}

/** Admin settings → the budget every user is under beside their own (empty fields: no limit). */
export function DefaultBudgetForm({ initial }: { initial: DefaultBudgetValues }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveDefaultBudgetAction, {});
  useActionFeedback(state);
  const value = (name: keyof DefaultBudgetValues) => state.values?.[name] ?? initial[name];
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" data-testid="default-budget-form" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="monthlyUsd" id="default-monthly" label="Monthly budget per user (USD)" inputMode="decimal" placeholder="20" defaultValue={value("monthlyUsd")} errors={errors.monthlyUsd} hint="Empty: no default limit." />
        <FormField name="dailyUsd" id="default-daily" label="Daily budget per user (USD)" inputMode="decimal" placeholder="2" defaultValue={value("dailyUsd")} errors={errors.dailyUsd} />
        <FormField name="monthlyTokens" id="default-monthly-tokens" label="Monthly tokens per user" inputMode="numeric" placeholder="5000000" defaultValue={value("monthlyTokens")} errors={errors.monthlyTokens} />
        <FormField name="dailyTokens" id="default-daily-tokens" label="Daily tokens per user" inputMode="numeric" placeholder="500000" defaultValue={value("dailyTokens")} errors={errors.dailyTokens} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <ModeSelect id="default-mode" value={value("mode")} errors={errors.mode} />
        <FormField name="alertThresholds" id="default-thresholds" label="Alert users at (% used)" defaultValue={value("alertThresholds")} errors={errors.alertThresholds} hint="Comma-separated, like 50, 80, 100." />
      </div>
      <Button type="submit" disabled={pending} data-testid="save-default-budget">
        {pending ? "Saving…" : "Save default budget"}
      </Button>
    </form>
  );
}

export interface OrgCapValues {
  monthlyUsd: string;
  mode: "enforce" | "warn";
  alertThresholds: string;
}

/** Admin settings → the organisation-wide monthly cap (everyone's spend together). */
export function OrgCapForm({ initial }: { initial: OrgCapValues }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveOrgCapAction, {});
  useActionFeedback(state);
  const value = (name: keyof OrgCapValues) => state.values?.[name] ?? initial[name];
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" data-testid="org-cap-form" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <FormField name="monthlyUsd" id="org-cap-monthly" label="Monthly cap (USD)" inputMode="decimal" placeholder="500" defaultValue={value("monthlyUsd")} errors={errors.monthlyUsd} hint="Empty: no cap." />
        <ModeSelect id="org-cap-mode" value={value("mode")} errors={errors.mode} />
        <FormField name="alertThresholds" id="org-cap-thresholds" label="Alert admins at (% used)" defaultValue={value("alertThresholds")} errors={errors.alertThresholds} />
      </div>
      <Button type="submit" disabled={pending} data-testid="save-org-cap">
        {pending ? "Saving…" : "Save organisation cap"}
      </Button>
    </form>
  );
}
