"use client";

import { useActionState, useMemo, useState } from "react";
import { saveBudgetAction } from "@/app/(app)/settings/actions";
import { Button } from "@/components/ui/button";
import { FIELD_CLASS, FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

export interface BudgetFormValues {
  monthlyUsd: string;
  dailyUsd: string;
  monthlyTokens: string;
  mode: "enforce" | "warn";
  alertThresholds: string;
  /** null: not chosen yet — the browser's zone is proposed. */
  timeZone: string | null;
}

export function BudgetForm({ initial }: { initial: BudgetFormValues }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveBudgetAction, {});
  useActionFeedback(state);
  const zones = useMemo(() => Intl.supportedValuesOf("timeZone"), []);
  const [timeZone, setTimeZone] = useState(
    () => state.values?.timeZone ?? initial.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC",
  );
  const value = (name: keyof BudgetFormValues) => state.values?.[name] ?? String(initial[name] ?? "");
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" data-testid="budget-form" noValidate>
      <div className="grid gap-4 sm:grid-cols-3">
        <FormField name="monthlyUsd" label="Monthly budget (USD)" inputMode="decimal" placeholder="20" defaultValue={value("monthlyUsd")} errors={errors.monthlyUsd} hint="Empty: no monthly limit." />
        <FormField name="dailyUsd" label="Daily budget (USD, optional)" inputMode="decimal" placeholder="2" defaultValue={value("dailyUsd")} errors={errors.dailyUsd} />
        <FormField name="monthlyTokens" label="Monthly tokens (optional)" inputMode="numeric" placeholder="5000000" defaultValue={value("monthlyTokens")} errors={errors.monthlyTokens} />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <div className={FIELD_CLASS}>
          <Label htmlFor="mode" className="self-end">When a budget is reached</Label>
          <Select id="mode" name="mode" defaultValue={value("mode")}>
            <option value="enforce">Block further requests</option>
            <option value="warn">Allow, but alert me</option>
          </Select>
          {errors.mode ? <p className="text-sm text-red-600">{errors.mode.join(" ")}</p> : null}
        </div>
        <FormField name="alertThresholds" label="Alert at (% of budget)" defaultValue={value("alertThresholds")} errors={errors.alertThresholds} hint="Comma-separated, like 50, 80, 100." />
        <div className={FIELD_CLASS}>
          <Label htmlFor="timeZone" className="self-end">Time zone (months and days start here)</Label>
          <Select id="timeZone" name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.includes(timeZone) ? null : <option value={timeZone}>{timeZone}</option>}
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </Select>
          {errors.timeZone ? <p className="text-sm text-red-600" data-testid="timeZone-error">{errors.timeZone.join(" ")}</p> : null}
        </div>
      </div>
      <Button type="submit" disabled={pending} data-testid="save-budget">
        {pending ? "Saving…" : "Save budget"}
      </Button>
    </form>
  );
}
