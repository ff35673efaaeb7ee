"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/app/(app)/settings/account-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

/** `changed`: the page was reached right after a password change (the action signs this browser in again and redirects). */
export function PasswordForm({ changed = false }: { changed?: boolean }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(changePasswordAction, {});
  useActionFeedback(state);
  return (
    <form action={action} className="space-y-4" data-testid="password-form" noValidate>
      {state.error ? <Alert data-testid="password-form-error">{state.error}</Alert> : null}
      {changed && !state.error && !state.fieldErrors ? (
        <Alert tone="info" data-testid="password-form-ok">
          Password changed. You are signed out everywhere else.
        </Alert>
      ) : null}
      <FormField
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        errors={state.fieldErrors?.currentPassword}
      />
      <FormField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters. Every other device is signed out."
        errors={state.fieldErrors?.newPassword}
      />
      <Button type="submit" disabled={pending} data-testid="password-submit">
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
