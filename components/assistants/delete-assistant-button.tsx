"use client";

import { useActionState } from "react";
import { deleteAssistantAction } from "@/app/(app)/assistants/actions";
import { Button } from "@/components/ui/button";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

export function DeleteAssistantButton({ assistantId, name }: { assistantId: string; name: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(deleteAssistantAction, {});
  useActionFeedback(state);
  return (
    <form
      action={action}
      onSubmit={(event) => {
        if (!window.confirm(`Delete the assistant “${name}”? Assistants that delegate to it will stop calling it.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="assistantId" value={assistantId} />
      <Button type="submit" variant="ghost" className="h-8 px-2 text-red-600 hover:bg-red-50" disabled={pending} data-testid="delete-assistant">
        Delete
      </Button>
    </form>
  );
}
