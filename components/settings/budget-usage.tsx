import { formatUsd } from "@/lib/money";
import type { BudgetLimitView } from "@/lib/settings/budget";

function formatAmount(limit: BudgetLimitView, amount: number) {
  return limit.kind === "monthly_tokens" ? `${amount.toLocaleString("en-US")} tokens` : formatUsd(amount);
}

export function BudgetUsage({ limits, timeZone }: { limits: BudgetLimitView[]; timeZone: string }) {
  if (limits.length === 0) {
    return <p className="text-sm text-zinc-600">No limits set: spending is not capped.</p>;
  }
  return (
    <ul className="space-y-4" data-testid="budget-usage">
      {limits.map((limit, index) => {
        const percent = limit.limit > 0 ? Math.min(100, (limit.used / limit.limit) * 100) : 0;
        const resets = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(limit.resetsAt));
        return (
          <li
            key={`${limit.limitKind}-${limit.source}-${index}`}
            data-testid={`budget-${limit.limitKind}${limit.source === "user" ? "" : limit.source === "admin" ? "-cap" : `-${limit.source}`}`}
            data-applies={limit.applies ? "true" : undefined}
          >
            <div className="flex items-baseline justify-between text-sm">
              <span className="font-medium">{limit.label}</span>
              <span className="tabular-nums text-zinc-700">
                {formatAmount(limit, limit.used)} of {formatAmount(limit, limit.limit)} ({percent.toFixed(0)}%)
              </span>
            </div>
            <div className="mt-1.5 h-2 rounded-full bg-zinc-100" role="progressbar" aria-valuenow={Math.round(percent)} aria-valuemin={0} aria-valuemax={100} aria-label={limit.label}>
              <div className={`h-2 rounded-full ${percent >= 100 ? "bg-red-500" : percent >= 80 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${percent}%` }} />
            </div>
            <p className="mt-1 text-xs text-zinc-500">
              Resets {resets} ({timeZone}){limit.mode === "warn" ? " · alerts only" : ""}
            </p>
            {limit.applies ? (
              <p className="mt-1 text-xs font-medium text-zinc-700 dark:text-zinc-300">
                The tightest limit: the {limit.name} applies first.
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
