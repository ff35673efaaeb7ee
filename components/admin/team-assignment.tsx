"use client";

import { useActionState } from "react";
import { setUserTeamAction } from "@/app/(app)/admin/users/[id]/team-actions";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

/** Admin → one user: their team and whether they are a team admin. */
export function TeamAssignment({
  userId,
  teams,
  current,
}: {
  userId: string;
  teams: { id: string; name: string }[];
  current: { teamId: string; isAdmin: boolean } | null;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setUserTeamAction, {});
  useActionFeedback(state);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" data-testid="team-assignment" noValidate>
      <input type="hidden" name="userId" value={userId} />
      <div className="space-y-1.5">
        <Label htmlFor="user-team">Team</Label>
        <Select id="user-team" name="teamId" defaultValue={state.values?.teamId ?? current?.teamId ?? ""} className="min-w-48">
          <option value="">No team</option>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </Select>
        {errors.teamId ? <p className="text-sm text-red-600">{errors.teamId.join(" ")}</p> : null}
      </div>
      <label className="flex items-center gap-2 pb-2 text-sm">
        <input type="checkbox" name="teamAdmin" defaultChecked={current?.isAdmin ?? false} data-testid="team-admin" />
        Team admin (sees the team&apos;s dashboard)
      </label>
      <Button type="submit" variant="secondary" disabled={pending} data-testid="save-team">
        Save team
      </Button>
      {state.error ? <p className="w-full text-sm text-red-600">{state.error}</p> : null}
      {teams.length === 0 ? <p className="w-full text-xs text-zinc-500">No teams yet: create them in Admin → Teams.</p> : null}
    </form>
  );
}
