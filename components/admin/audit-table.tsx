"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { fetchJson } from "@/lib/chat/client-fetch";
import type { AuditAction } from "@/lib/audit/audit-log";
import type { AuditEntry, AuditPage } from "@/lib/dashboard/contract";

const ACTION_LABELS: Record<AuditAction, string> = {
  "user.role_changed": "Role changed",
  "user.cap_set": "Cap set",
  "user.cap_cleared": "Cap cleared",
  "user.disabled": "Account disabled",
  "user.enabled": "Account enabled",
  "price_override.saved": "Price override saved",
  "price_override.deleted": "Price override removed",
  "system_key_policy.changed": "System key policy changed",
  "org_webhook.saved": "Organisation webhook set",
  "org_webhook.deleted": "Organisation webhook removed",
  "key.added": "API key added",
  "key.replaced": "API key replaced",
  "key.deleted": "API key deleted",
  "api_token.created": "API token created",
  "api_token.revoked": "API token revoked",
  "registration_policy.changed": "Who may join changed",
  "invitation.created": "Invitation created",
  "invitation.used": "Invitation used",
  "invitation.revoked": "Invitation revoked",
  "user.approved": "Account approved",
  "user.rejected": "Account rejected",
  "org_budget.changed": "Default budgets changed",
  "org_cap.changed": "Organisation cap changed",
  "team.created": "Team created",
  "team.changed": "Team budget changed",
  "team.deleted": "Team deleted",
  "user.team_changed": "Team membership changed",
};

function formatDate(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium", timeZone }).format(new Date(iso));
}

function Details({ details }: { details: AuditEntry["details"] }) {
  const entries = Object.entries(details ?? {});
  if (entries.length === 0) return <span className="text-zinc-400">—</span>;
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
      {entries.map(([name, value]) => (
        <div key={name} className="flex gap-1">
          <dt className="text-zinc-500">{name}:</dt>
          <dd className="font-mono text-zinc-800">{value === null ? "—" : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The audit log, newest first. With `apiUrl`, a "Load more" button pages on through the audit API's cursor.
 */
export function AuditTable({ initial, timeZone, apiUrl }: { initial: AuditPage; timeZone: string; apiUrl?: string }) {
  const [items, setItems] = useState(initial.items);
  const [cursor, setCursor] = useState(initial.nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function loadMore() {
    if (!apiUrl || !cursor) return;
    setLoading(true);
    setError(null);
    try {
      const page = await fetchJson<AuditPage>(`${apiUrl}?${new URLSearchParams({ cursor, limit: "50" })}`);
      setItems((previous) => [...previous, ...page.items.filter((item) => !previous.some((p) => p.id === item.id))]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not load more entries.");
    } finally {
      setLoading(false);
    }
  }

  if (items.length === 0) {
    return (
      <p className="text-sm text-zinc-600" data-testid="audit-empty">
        No changes recorded yet.
      </p>
    );
  }
  return (
    <div className="space-y-3">
      <div className="overflow-x-auto" role="region" aria-label="Audit log" tabIndex={0}>
        <table className="w-full text-left text-sm" data-testid="audit-table">
          <thead className="text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-2 pr-4 font-medium">When</th>
              <th className="py-2 pr-4 font-medium">Who</th>
              <th className="py-2 pr-4 font-medium">What</th>
              <th className="py-2 pr-4 font-medium">User</th>
              <th className="py-2 font-medium">Details</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {items.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action} className="align-top">
                <td className="py-2 pr-4 whitespace-nowrap tabular-nums text-zinc-600">{formatDate(entry.createdAt, timeZone)}</td>
                <td className="py-2 pr-4">{entry.actorEmail}</td>
                <td className="py-2 pr-4 whitespace-nowrap font-medium">{ACTION_LABELS[entry.action as AuditAction] ?? entry.action}</td>
                <td className="py-2 pr-4">{entry.targetEmail ?? <span className="text-zinc-400">—</span>}</td>
                <td className="py-2">
                  <Details details={entry.details} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error ? <p className="text-sm text-red-600">{error}</p> : null}
      {apiUrl && cursor ? (
        <Button variant="secondary" onClick={loadMore} disabled={loading} data-testid="audit-load-more">
          {loading ? "Loading…" : "Load more"}
        </Button>
      ) : null}
    </div>
  );
}
