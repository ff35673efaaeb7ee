"use client";

import { useActionState } from "react";
import { signInWithProvider } from "@/app/(auth)/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { ActionState } from "@/lib/http/action";

export function OAuthButtonList({
  providers,
  callbackUrl,
  invite,
}: {
  providers: { id: "github" | "google"; name: string }[];
  callbackUrl?: string;
  /** The invitation token the register page was opened with, for a new account. */
  invite?: string;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(signInWithProvider, {});
  const error = state.error ?? Object.values(state.fieldErrors ?? {})[0]?.[0];
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3 text-xs text-zinc-500">
        <span className="h-px flex-1 bg-zinc-200" /> or <span className="h-px flex-1 bg-zinc-200" />
      </div>
      {error ? <Alert data-testid="oauth-error">{error}</Alert> : null}
      {providers.map((provider) => (
        <form key={provider.id} action={action}>
          <input type="hidden" name="provider" value={provider.id} />
          {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
          {invite ? <input type="hidden" name="invite" value={invite} /> : null}
          <Button type="submit" variant="secondary" className="w-full" disabled={pending} data-testid={`oauth-${provider.id}`}>
            Continue with {provider.name}
          </Button>
        </form>
      ))}
    </div>
  );
}
