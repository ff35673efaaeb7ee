import { Badge } from "@/components/ui/badge";
import { SCOPE_INFO } from "@/lib/api-tokens/scopes";
import type { ApiTokenView } from "@/lib/api-tokens/tokens";
import { formatDate, formatDateTime, formatRelativeTime } from "@/lib/format";
import type { ActionState } from "@/lib/http/action";
import { formatUsd } from "@/lib/money";
import { RevokeApiTokenButton } from "./api-tokens-revoke-button";

const STATUS = {
  active: { tone: "green", text: "active" },
  expired: { tone: "amber", text: "expired" },
  revoked: { tone: "red", text: "revoked" },
} as const;

/** A user's API tokens: name, prefix, scopes, created, last used, expiry, status, and a revoke button while active. */
export function ApiTokensList({
  tokens,
  timeZone,
  now,
  revokeAction,
  empty = "No API tokens yet.",
}: {
  tokens: ApiTokenView[];
  timeZone: string;
  now: Date;
  revokeAction: (state: ActionState, data: FormData) => Promise<ActionState>;
  empty?: string;
}) {
  if (tokens.length === 0) {
    return (
      <p className="text-sm text-zinc-600" data-testid="no-tokens">
        {empty}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto" role="region" aria-label="API tokens" tabIndex={0}>
      <table className="w-full text-left text-sm" data-testid="token-list">
        <thead className="text-xs text-zinc-500">
          <tr>
            <th className="py-2 pr-3 font-medium">Name</th>
            <th className="py-2 pr-3 font-medium">Token</th>
            <th className="py-2 pr-3 font-medium">Scopes</th>
            <th className="py-2 pr-3 font-medium">Created</th>
            <th className="py-2 pr-3 font-medium">Last used</th>
            <th className="py-2 pr-3 font-medium">Expires</th>
            <th className="py-2 pr-3 font-medium">Status</th>
            <th className="py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {tokens.map((token) => {
            const status = STATUS[token.status];
            return (
              <tr key={token.id} data-testid="token-row" data-token-id={token.id}>
                <td className="py-2 pr-3">
                  <p className="font-medium" data-testid="token-name">
                    {token.name}
                  </p>
                  <p className="text-xs text-zinc-500">
                    {token.defaultFeature ? `feature: ${token.defaultFeature}` : null}
                    {token.defaultFeature && token.monthlyBudgetNano !== null ? " · " : null}
                    {token.monthlyBudgetNano !== null ? <span data-testid="token-budget">{`budget ${formatUsd(token.monthlyBudgetNano)}/month`}</span> : null}
                  </p>
                </td>
                <td className="py-2 pr-3">
                  <code className="rounded bg-zinc-100 px-1.5 py-0.5" data-testid="token-prefix">
                    {token.prefix}
                  </code>
                </td>
                <td className="py-2 pr-3" data-testid="token-scopes">
                  {token.scopes.map((scope) => SCOPE_INFO[scope]?.label ?? scope).join(", ")}
                </td>
                <td className="py-2 pr-3 whitespace-nowrap">{formatDate(token.createdAt, timeZone)}</td>
                <td className="py-2 pr-3 whitespace-nowrap" data-testid="token-last-used" title={token.lastUsedAt ? formatDateTime(token.lastUsedAt, timeZone) : undefined}>
                  {token.lastUsedAt ? formatRelativeTime(token.lastUsedAt, now, timeZone) : "never"}
                </td>
                <td className="py-2 pr-3 whitespace-nowrap" title={token.expiresAt ? formatDateTime(token.expiresAt, timeZone) : undefined}>
                  {token.expiresAt ? formatDateTime(token.expiresAt, timeZone) : "never"}
                </td>
                <td className="py-2 pr-3">
                  <Badge tone={status.tone} data-testid="token-status" title={token.revokedAt ? `revoked ${formatDateTime(token.revokedAt, timeZone)}` : undefined}>
                    {status.text}
                  </Badge>
                </td>
                <td className="py-2 text-right">
                  {token.status === "active" ? <RevokeApiTokenButton action={revokeAction} tokenId={token.id} name={token.name} /> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
