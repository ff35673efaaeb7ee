"use client";

import { useActionState } from "react";
import {
  clearCapAction,
  disableUserAction,
  enableUserAction,
  setCapAction,
  setRoleAction,
} from "@/app/(app)/admin/users/[id]/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

export interface ControlledUser {
  id: string;
  email: string;
  role: "admin" | "user";
  /** ISO instant, or null when the account is active. */
  disabledAt: string | null;
}

/** The admin cap as form values (dollars as typed, "" for no limit); null when there is none. */
export interface CapFormValues {
  monthlyUsd: string;
  dailyUsd: string;
  monthlyTokens: string;
  mode: "enforce" | "warn";
}

function formatDate(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

function CapForm({ user, cap }: { user: ControlledUser; cap: CapFormValues | null }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setCapAction, {});
  const [cleared, clear, clearing] = useActionState<ActionState, FormData>(clearCapAction, {});
  useActionFeedback(state);
  useActionFeedback(cleared);
  const value = (name: keyof CapFormValues) => state.values?.[name] ?? cap?.[name] ?? "";
  const errors = state.fieldErrors ?? {};
  return (
    <div className="space-y-3">
      <form action={action} className="space-y-4" data-testid="cap-form" noValidate>
        <input type="hidden" name="userId" value={user.id} />
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField id="cap-monthly" name="monthlyUsd" label="Monthly cap (USD)" inputMode="decimal" placeholder="50" defaultValue={value("monthlyUsd")} errors={errors.monthlyUsd} data-testid="cap-monthly" />
          <FormField id="cap-daily" name="dailyUsd" label="Daily cap (USD)" inputMode="decimal" placeholder="optional" defaultValue={value("dailyUsd")} errors={errors.dailyUsd} data-testid="cap-daily" />
          <FormField id="cap-tokens" name="monthlyTokens" label="Monthly tokens" inputMode="numeric" placeholder="optional" defaultValue={value("monthlyTokens")} errors={errors.monthlyTokens} data-testid="cap-tokens" />
        </div>
        <div className="space-y-1.5 sm:max-w-xs">
          <Label htmlFor="cap-mode">When the cap is reached</Label>
          <Select id="cap-mode" name="mode" defaultValue={value("mode") || "enforce"} data-testid="cap-mode">
            <option value="enforce">Block further requests</option>
            <option value="warn">Allow, but alert the user</option>
          </Select>
          {errors.mode ? <p className="text-sm text-red-600">{errors.mode.join(" ")}</p> : null}
        </div>
        <Button type="submit" disabled={pending} data-testid="save-cap">
          {pending ? "Saving…" : cap ? "Update cap" : "Set cap"}
        </Button>
      </form>
      <form action={clear}>
        <input type="hidden" name="userId" value={user.id} />
        <Button type="submit" variant="ghost" className="px-2 text-red-600 hover:bg-red-50" disabled={!cap || clearing} data-testid="clear-cap">
          Clear cap
        </Button>
      </form>
    </div>
  );
}

function RoleForm({ user, isSelf }: { user: ControlledUser; isSelf: boolean }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(setRoleAction, {});
  useActionFeedback(state);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="userId" value={user.id} />
      <div className="space-y-1.5">
        <Label htmlFor="role-select">Role</Label>
        <Select id="role-select" name="role" defaultValue={user.role} className="w-40" data-testid="role-select">
          <option value="user">Member</option>
          <option value="admin">Admin</option>
        </Select>
      </div>
      <Button type="submit" variant="secondary" disabled={pending} data-testid="save-role">
        Save role
      </Button>
      {state.fieldErrors?.role ? <p className="w-full text-sm text-red-600">{state.fieldErrors.role.join(" ")}</p> : null}
      {isSelf ? <p className="w-full text-xs text-zinc-500">This is you. The last admin cannot step down.</p> : null}
    </form>
  );
}

function StatusForm({ user, isSelf, timeZone }: { user: ControlledUser; isSelf: boolean; timeZone: string }) {
  const [disabled, disable, disabling] = useActionState<ActionState, FormData>(disableUserAction, {});
  const [enabled, enable, enabling] = useActionState<ActionState, FormData>(enableUserAction, {});
  useActionFeedback(disabled);
  useActionFeedback(enabled);
  return (
    <div className="space-y-2">
      <p className="text-sm" data-testid="user-status">
        {user.disabledAt ? (
          <>
            <Badge tone="red">disabled</Badge> <span className="text-zinc-600">since {formatDate(user.disabledAt, timeZone)}</span>
          </>
        ) : (
          <Badge tone="green">active</Badge>
        )}
      </p>
      {user.disabledAt ? (
        <form action={enable}>
          <input type="hidden" name="userId" value={user.id} />
          <Button type="submit" variant="secondary" disabled={enabling} data-testid="enable-user">
            Enable account
          </Button>
        </form>
      ) : (
        <form
          action={disable}
          onSubmit={(event) => {
            if (!window.confirm(`Disable ${user.email}? They are signed out at their next request and cannot sign in again until enabled.`)) event.preventDefault();
          }}
        >
          <input type="hidden" name="userId" value={user.id} />
          <Button type="submit" variant="danger" disabled={isSelf || disabling} title={isSelf ? "You cannot disable your own account." : undefined} data-testid="disable-user">
            Disable account
          </Button>
          {isSelf ? <p className="mt-1 text-xs text-zinc-500">You cannot disable your own account.</p> : null}
        </form>
      )}
      <p className="text-xs text-zinc-500">A disabled user cannot sign in or use the API; their data and usage stay.</p>
    </div>
  );
}

/** The admin's controls for one user: cap, role, disable/enable. Every change is recorded in the audit log. */
export function UserControls({
  user,
  cap,
  isSelf,
  timeZone,
}: {
  user: ControlledUser;
  cap: CapFormValues | null;
  isSelf: boolean;
  timeZone: string;
}) {
  return (
    <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
      <Card>
        <CardTitle>Spending cap</CardTitle>
        <p className="mt-1 mb-4 text-sm text-zinc-600">
          A cap applies on top of the user&apos;s own budget and they cannot raise it. Leave a field empty for no limit of that kind.
        </p>
        <CapForm user={user} cap={cap} />
      </Card>
      <Card className="space-y-6">
        <div>
          <CardTitle>Account</CardTitle>
          <div className="mt-3">
            <StatusForm user={user} isSelf={isSelf} timeZone={timeZone} />
          </div>
        </div>
        <RoleForm user={user} isSelf={isSelf} />
      </Card>
    </div>
  );
}
