"use client";

import Link from "next/link";
import { useActionState } from "react";
import { register } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import type { ActionState } from "@/lib/http/action";

/**
 * `invite`: the token of the invitation link the visitor came with (sent back as a hidden field); `email`: the address
 * an invitation is for, filled in.
 */
export function RegisterForm({ callbackUrl, invite, email }: { callbackUrl?: string; invite?: string; email?: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(register, {});
  return (
    <form action={action} className="space-y-4" data-testid="register-form" noValidate>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      {invite ? <input type="hidden" name="invite" value={invite} /> : null}
      {state.error ? <Alert data-testid="form-error">{state.error}</Alert> : null}
      <FormField
        name="name"
        label="Name (optional)"
        autoComplete="name"
        defaultValue={state.values?.name}
        errors={state.fieldErrors?.name}
      />
      <FormField
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email ?? email}
        errors={state.fieldErrors?.email}
      />
      <FormField
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters."
        errors={state.fieldErrors?.password}
      />
      <Button type="submit" className="w-full" disabled={pending} data-testid="register-submit">
        {pending ? "Creating your account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-zinc-600">
        Already have an account?{" "}
        <Link
          href={callbackUrl ? `/login?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/login"}
          className="font-medium text-brand-600 hover:underline"
        >
          Sign in
        </Link>
      </p>
    </form>
  );
}
