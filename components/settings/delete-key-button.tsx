"use client";

import { useActionState } from "react";
import { deleteKeyAction } from "@/app/(app)/settings/actions";
import { Button } from "@/components/ui/button";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

export function DeleteKeyButton({ keyId, label }: { keyId: string; label: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(deleteKeyAction, {});
  useActionFeedback(state);
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (!window.confirm(`Delete the ${label} key? Chats using it will stop working until you add another.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="keyId" value={keyId} />
      <Button type="submit" variant="ghost" className="h-8 px-2 text-red-600 hover:bg-red-50" disabled={pending} data-testid="delete-key">
        Delete
      </Button>
    </form>
  );
}
