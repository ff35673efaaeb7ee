"use client";

import { useState } from "react";
import type { ApiTokenScope } from "@/db/schema";
import { SCOPE_INFO, SCOPES } from "@/lib/api-tokens/scopes";
import { cn } from "@/lib/cn";

export interface ScopeCheckboxesProps {
  /** Checked at first. */
  initial: readonly ApiTokenScope[];
  /** The action's errors for `scopes`. */
  errors?: string[];
  /** Before every test id: "" in Settings (`scope-gateway`), "connect-" on the Connect page (`connect-scope-gateway`). */
  testIdPrefix?: string;
  /** One line, each scope's description on hover (Connect); else one scope a line with its description (Settings). */
  compact?: boolean;
}

/**
 * A new API token's scopes, posted as `scopes` (one value per checked box) to createApiTokenAction. Controlled, so the
 * boxes survive a refused submission (React resets uncontrolled fields after an action).
 */
export function ScopeCheckboxes({ initial, errors, testIdPrefix = "", compact = false }: ScopeCheckboxesProps) {
  const [scopes, setScopes] = useState<ReadonlySet<ApiTokenScope>>(() => new Set(initial));
  const toggle = (scope: ApiTokenScope, on: boolean) => {
    const next = new Set(scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  };
  return (
    <fieldset className={compact ? "flex flex-wrap gap-x-4 gap-y-1" : "space-y-1.5"}>
      <legend className={cn("text-sm font-medium text-zinc-900", compact && "mb-1")}>Scopes</legend>
      {SCOPES.map((scope) => (
        <label
          key={scope}
          className={compact ? "flex items-center gap-1.5 text-sm" : "flex items-start gap-2 text-sm"}
          title={compact ? SCOPE_INFO[scope].description : undefined}
        >
          <input
            type="checkbox"
            name="scopes"
            value={scope}
            className={compact ? undefined : "mt-1"}
            checked={scopes.has(scope)}
            onChange={(event) => toggle(scope, event.target.checked)}
            data-testid={`${testIdPrefix}scope-${scope}`}
          />
          {compact ? (
            SCOPE_INFO[scope].label
          ) : (
            <span>
              <span className="font-medium">{SCOPE_INFO[scope].label}</span>{" "}
              <span className="text-zinc-600">— {SCOPE_INFO[scope].description}</span>
            </span>
          )}
        </label>
      ))}
      {errors?.length ? (
        <p className={cn("text-sm text-red-600", compact && "w-full")} data-testid={`${testIdPrefix}scopes-error`}>
          {errors.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
