"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

/** Revokes one token after a confirmation; `action` is the user's own or the admin's revoke action. */
export function RevokeApiTokenButton({
  action: serverAction,
  tokenId,
  name,
}: {
  action: (state: ActionState, data: FormData) => Promise<ActionState>;
  tokenId: string;
  name: string;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(serverAction, {});
  useActionFeedback(state);
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (!window.confirm(`Revoke the token “${name}”? Apps using it stop working at once. This cannot be undone.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="tokenId" value={tokenId} />
      <Button type="submit" variant="ghost" className="h-8 px-2 text-red-600 hover:bg-red-50" disabled={pending} data-testid="revoke-token">
        Revoke
      </Button>
    </form>
  );
}
