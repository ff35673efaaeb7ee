"use client";

import { useActionState, useState, useSyncExternalStore } from "react";
import { toast } from "sonner";
import { createInvitationAction, revokeInvitationAction } from "@/app/(app)/admin/settings/actions";
import { AdminActionButton } from "@/components/admin/admin-action-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useActionFeedback } from "@/components/ui/use-action-feedback";
import type { ActionState } from "@/lib/http/action";
import type { InvitationView } from "@/lib/registration/invitations";

const STATUS_TONES = { pending: "blue", used: "green", expired: "zinc", revoked: "red" } as const;

function formatDate(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** Admin settings → Invitations → Create. The link is shown once, right here, with a copy button. */
export function CreateInvitationForm({ defaultDays, teams }: { defaultDays: number; teams: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createInvitationAction, {});
  useActionFeedback(state);
  const errors = state.fieldErrors ?? {};
  const value = (name: string) => (state.ok ? "" : (state.values?.[name] ?? ""));
  const path = state.ok ? state.values?.inviteLink : undefined;
  return (
    <div className="space-y-4">
      {path ? <NewInvitationLink path={path} /> : null}
      <form action={action} className="space-y-4" data-testid="create-invitation-form" noValidate>
        {state.error ? <Alert>{state.error}</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-4">
          <FormField
            id="invite-email"
            name="email"
            label="For email (optional)"
            type="email"
            placeholder="anyone with the link"
            defaultValue={value("email")}
            errors={errors.email}
            data-testid="invite-email"
          />
          <div className="space-y-1.5">
            <Label htmlFor="invite-role">Role</Label>
            <Select id="invite-role" name="role" defaultValue={value("role") || "user"} data-testid="invite-role">
              <option value="user">Member</option>
              <option value="admin">Admin</option>
            </Select>
            {errors.role ? <p className="text-sm text-red-600">{errors.role.join(" ")}</p> : null}
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="invite-team">Team</Label>
            <Select id="invite-team" name="teamId" defaultValue={value("teamId")} data-testid="invite-team">
              <option value="">No team</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </Select>
            {errors.teamId ? <p className="text-sm text-red-600" data-testid="teamId-error">{errors.teamId.join(" ")}</p> : null}
          </div>
          <FormField
            id="invite-days"
            name="expiresInDays"
            label="Valid for (days)"
            inputMode="numeric"
            defaultValue={value("expiresInDays") || String(defaultDays)}
            errors={errors.expiresInDays}
            data-testid="invite-days"
          />
        </div>
        <Button type="submit" disabled={pending} data-testid="create-invitation">
          {pending ? "Creating…" : "Create invitation link"}
        </Button>
      </form>
    </div>
  );
}

const noSubscription = () => () => undefined;

function NewInvitationLink({ path }: { path: string }) {
  // The site's own address as the browser sees it (the server cannot know it behind a proxy); empty while prerendering.
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => "");
  const [copied, setCopied] = useState(false);
  const link = `${origin}${path}`;
  return (
    <Alert tone="info" role="status" data-testid="new-invitation">
      <p className="font-medium">Copy this link now: it is shown only this once. It works for one account.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900" data-testid="new-invitation-link">
          {link}
        </code>
        <Button
          variant="secondary"
          className="h-8 px-3"
          data-testid="copy-invitation"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(link);
              setCopied(true);
              toast.success("Link copied.");
            } catch {
              toast.error("Could not copy: select the link and copy it by hand.");
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Alert>
  );
}

/** Invitations, newest first, with their status; pending ones can be revoked. */
export function InvitationList({ invitations, timeZone }: { invitations: InvitationView[]; timeZone: string }) {
  if (invitations.length === 0) return <p className="text-sm text-zinc-500">No invitations yet.</p>;
  return (
    <ul className="divide-y divide-zinc-100" data-testid="invitation-list">
      {invitations.map((inv) => (
        <li key={inv.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="invitation-row">
          <div className="min-w-0 space-y-0.5">
            <p className="flex flex-wrap items-center gap-2">
              <span className="font-medium break-all">{inv.email ?? "Anyone with the link"}</span>
              <Badge tone={inv.role === "admin" ? "blue" : "zinc"}>{inv.role === "admin" ? "admin" : "member"}</Badge>
              {inv.teamName ? <Badge tone="zinc">team {inv.teamName}</Badge> : null}
              <Badge tone={STATUS_TONES[inv.status]} data-testid="invitation-status">
                {inv.status}
              </Badge>
            </p>
            <p className="text-xs text-zinc-500">
              Created {formatDate(inv.createdAt, timeZone)} ·{" "}
              {inv.status === "used" && inv.usedAt
                ? `used ${formatDate(inv.usedAt, timeZone)}${inv.usedByEmail ? ` by ${inv.usedByEmail}` : ""}`
                : inv.status === "revoked" && inv.revokedAt
                  ? `revoked ${formatDate(inv.revokedAt, timeZone)}`
                  : `${inv.status === "expired" ? "expired" : "expires"} ${formatDate(inv.expiresAt, timeZone)}`}
            </p>
          </div>
          {inv.status === "pending" ? (
            <AdminActionButton
              action={revokeInvitationAction}
              fields={{ invitationId: inv.id }}
              variant="ghost"
              className="px-2 text-red-600 hover:bg-red-50"
              data-testid="revoke-invitation"
            >
              Revoke
            </AdminActionButton>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
