"use client";

import { useActionState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { WebhookView } from "@/lib/alerts/webhooks";
import type { ActionState } from "@/lib/http/action";

type FormAction = (state: ActionState, data: FormData) => Promise<ActionState>;

function formatDate(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

function DeliveryStatus({ webhook, timeZone }: { webhook: WebhookView; timeZone: string }) {
  if (!webhook.lastStatus) {
    return (
      <p className="text-sm text-zinc-600" data-testid="webhook-status">
        Nothing sent yet.
      </p>
    );
  }
  const ok = webhook.lastStatus === "ok";
  return (
    <div className="space-y-1 text-sm" data-testid="webhook-status">
      <p>
        Last delivery:{" "}
        <Badge tone={ok ? "green" : "red"} data-testid="webhook-last-status">
          {webhook.lastStatus}
        </Badge>
        {webhook.lastAttemptAt ? <span className="ml-2 text-zinc-500">{formatDate(webhook.lastAttemptAt, timeZone)}</span> : null}
      </p>
      {!ok && webhook.lastError ? <p className="text-red-700">{webhook.lastError}</p> : null}
      {webhook.consecutiveFailures > 1 ? (
        <p className="text-zinc-600">{`${webhook.consecutiveFailures} deliveries in a row have failed.`}</p>
      ) : null}
    </div>
  );
}

/**
 * Where budget alerts are POSTed (Slack-compatible JSON), with the last delivery's outcome, "Send test" and
 * "Remove". Used for a user's own webhook (Settings → Budget) and the organisation's (admin audit page).
 */
export function WebhookForm({
  webhook,
  timeZone,
  saveAction,
  testAction,
  deleteAction,
}: {
  webhook: WebhookView | null;
  timeZone: string;
  saveAction: FormAction;
  testAction: FormAction;
  deleteAction: FormAction;
}) {
  const [saved, save, saving] = useActionState<ActionState, FormData>(saveAction, {});
  const [tested, test, testing] = useActionState<ActionState, FormData>(testAction, {});
  const [deleted, remove, removing] = useActionState<ActionState, FormData>(deleteAction, {});
  useActionFeedback(saved);
  useActionFeedback(tested);
  useActionFeedback(deleted);
  const errors = saved.fieldErrors ?? {};
  return (
    <div className="space-y-4" data-testid="webhook-form">
      <form action={save} className="space-y-3" noValidate>
        <FormField
          id="webhook-url"
          name="url"
          label="Webhook URL"
          type="url"
          inputMode="url"
          placeholder="https://hooks.slack.com/services/…"
          defaultValue={saved.values?.url ?? webhook?.url ?? ""}
          errors={errors.url}
          hint="An http:// or https:// URL without a user name or password. Slack, Mattermost and similar incoming webhooks work."
          data-testid="webhook-url"
        />
        <Button type="submit" disabled={saving} data-testid="save-webhook">
          {saving ? "Saving…" : "Save webhook"}
        </Button>
      </form>
      {webhook ? (
        <>
          <DeliveryStatus webhook={webhook} timeZone={timeZone} />
          <div className="flex flex-wrap gap-2">
            <form action={test}>
              <Button type="submit" variant="secondary" disabled={testing} data-testid="test-webhook">
                {testing ? "Sending…" : "Send test"}
              </Button>
            </form>
            <form action={remove}>
              <Button type="submit" variant="ghost" className="text-red-600 hover:bg-red-50" disabled={removing} data-testid="delete-webhook">
                Remove
              </Button>
            </form>
          </div>
        </>
      ) : (
        <p className="text-sm text-zinc-600" data-testid="webhook-status">
          No webhook yet: alerts appear in the bell only.
        </p>
      )}
    </div>
  );
}
