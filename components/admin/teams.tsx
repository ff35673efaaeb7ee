"use client";

import { useActionState } from "react";
import { createTeamAction, deleteTeamAction, saveTeamBudgetAction, setSystemKeyTeamAction } from "@/app/(app)/admin/teams/actions";
import { AdminActionButton } from "@/components/admin/admin-action-button";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

export function CreateTeamForm() {
  const [state, action, pending] = useActionState<ActionState, FormData>(createTeamAction, {});
  useActionFeedback(state);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" data-testid="create-team-form" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      <div className="min-w-56 flex-1">
        <FormField name="name" id="team-name" label="New team" placeholder="Research" defaultValue={state.values?.name ?? ""} errors={state.fieldErrors?.name} />
      </div>
      <Button type="submit" disabled={pending} data-testid="create-team">
        {pending ? "Creating…" : "Create team"}
      </Button>
    </form>
  );
}

/** One team's monthly budget (empty: none) and whether it blocks or only alerts. */
export function TeamBudgetForm({ teamId, teamName, monthlyUsd, mode }: { teamId: string; teamName: string; monthlyUsd: string; mode: "enforce" | "warn" }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveTeamBudgetAction, {});
  useActionFeedback(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="flex flex-wrap items-start gap-2" data-testid={`team-budget-form-${teamName}`} noValidate>
      <input type="hidden" name="teamId" value={teamId} />
      <div className="w-28">
        <Input
          name="monthlyUsd"
          inputMode="decimal"
          placeholder="none"
          aria-label={`Monthly budget of ${teamName} (USD)`}
          defaultValue={state.values?.monthlyUsd ?? monthlyUsd}
          aria-invalid={errors.monthlyUsd ? true : undefined}
        />
        {errors.monthlyUsd ? <p className="mt-1 text-xs text-red-600">{errors.monthlyUsd.join(" ")}</p> : null}
      </div>
      <Select name="mode" defaultValue={state.values?.mode ?? mode} aria-label={`When ${teamName} reaches it`} className="w-28">
        <option value="enforce">Block</option>
        <option value="warn">Alert only</option>
      </Select>
      <Button type="submit" variant="secondary" disabled={pending}>
        Save
      </Button>
      {state.error ? <p className="text-xs text-red-600">{state.error}</p> : null}
    </form>
  );
}

export function DeleteTeamButton({ teamId, teamName }: { teamId: string; teamName: string }) {
  return (
    <AdminActionButton action={deleteTeamAction} fields={{ teamId }} variant="ghost" aria-label={`Delete team ${teamName}`}>
      Delete
    </AdminActionButton>
  );
}

/** Opens or closes one provider's deployment key to one team. */
export function SystemKeyTeamToggle({ provider, providerLabel, teamId, teamName, allowed }: { provider: string; providerLabel: string; teamId: string; teamName: string; allowed: boolean }) {
  return (
    <AdminActionButton
      action={setSystemKeyTeamAction}
      fields={{ provider, teamId, allow: allowed ? "false" : "true" }}
      variant={allowed ? "secondary" : "ghost"}
      aria-label={`${allowed ? "Close" : "Open"} the deployment's ${providerLabel} key ${allowed ? "to" : "for"} ${teamName}`}
      data-testid={`system-key-${provider}-${teamName}`}
    >
      {allowed ? "Allowed · revoke" : "Allow"}
    </AdminActionButton>
  );
}
