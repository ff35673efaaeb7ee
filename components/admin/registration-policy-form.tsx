"use client";

import { useActionState, useState } from "react";
import { saveRegistrationPolicyAction } from "@/app/(app)/admin/settings/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import { cn } from "@/lib/cn";
import type { ActionState } from "@/lib/http/action";

export interface PolicyFormValues {
  mode: "open" | "invite" | "domains";
  allowedDomains: string[];
  approvalRequired: boolean;
}

const MODES: { value: PolicyFormValues["mode"]; label: string; hint: string }[] = [
  { value: "open", label: "Open", hint: "Anyone who finds this Spendboard can create an account." },
  { value: "invite", label: "Invitation only", hint: "Only people with an invitation link (below) can join." },
  { value: "domains", label: "Listed email domains", hint: "Addresses at the domains you list (exact match), plus invitations." },
];

/** Admin settings → Who may join: the mode, the domain list and the approval switch. */
export function RegistrationPolicyForm({ policy }: { policy: PolicyFormValues }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(saveRegistrationPolicyAction, {});
  useActionFeedback(state);
  // Controlled, so a refused submission keeps what the admin chose (React resets uncontrolled fields after an action).
  const [mode, setMode] = useState(policy.mode);
  const [domains, setDomains] = useState(policy.allowedDomains.join("\n"));
  const [approval, setApproval] = useState(policy.approvalRequired);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4" data-testid="registration-policy-form" noValidate>
      {state.error ? <Alert>{state.error}</Alert> : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-900">Who may create an account</legend>
        {MODES.map((m) => (
          <label key={m.value} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="mode"
              value={m.value}
              checked={mode === m.value}
              onChange={() => setMode(m.value)}
              className="mt-1"
              data-testid={`registration-mode-${m.value}`}
            />
            <span>
              <span className="font-medium">{m.label}</span>
              <span className="block text-xs text-zinc-500">{m.hint}</span>
            </span>
          </label>
        ))}
        {errors.mode ? <p className="text-sm text-red-600">{errors.mode.join(" ")}</p> : null}
      </fieldset>
      <div className="space-y-1.5">
        <Label htmlFor="allowed-domains">Allowed email domains</Label>
        <textarea
          id="allowed-domains"
          name="allowedDomains"
          rows={3}
          value={domains}
          onChange={(e) => setDomains(e.target.value)}
          placeholder={"example.com\nlab.example.org"}
          aria-invalid={errors.allowedDomains ? true : undefined}
          aria-describedby={errors.allowedDomains ? "allowed-domains-error" : undefined}
          data-testid="allowed-domains"
          className={cn(
            "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm shadow-xs placeholder:text-zinc-400",
            "focus:border-brand-500 focus:outline-2 focus:outline-brand-100 aria-invalid:border-red-500",
          )}
        />
        {errors.allowedDomains ? (
          <p id="allowed-domains-error" className="text-sm text-red-600" data-testid="allowedDomains-error">
            {errors.allowedDomains.join(" ")}
          </p>
        ) : (
          <p className="text-xs text-zinc-500">One per line or comma-separated. Exact match: list subdomains separately.</p>
        )}
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="approvalRequired"
          checked={approval}
          onChange={(e) => setApproval(e.target.checked)}
          className="mt-1"
          data-testid="approval-required"
        />
        <span>
          <span className="font-medium">New accounts wait for an admin&apos;s approval</span>
          <span className="block text-xs text-zinc-500">
            They can sign in but see only a waiting page until approved. Invited accounts and the first account never wait.
          </span>
        </span>
      </label>
      <Button type="submit" disabled={pending} data-testid="save-registration-policy">
        {pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}
