"use client";

import { useActionState } from "react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";

/** A one-button form posting hidden fields to an admin server action. */
export function AdminActionButton({
  action: serverAction,
  fields,
  children,
  ...buttonProps
}: {
  action: (state: ActionState, data: FormData) => Promise<ActionState>;
  fields: Record<string, string>;
} & ButtonProps) {
  const [state, action, pending] = useActionState<ActionState, FormData>(serverAction, {});
  useActionFeedback(state);
  return (
    <form action={action}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" disabled={pending} {...buttonProps}>
        {children}
      </Button>
    </form>
  );
}
