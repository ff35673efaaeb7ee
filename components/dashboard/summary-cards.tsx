"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import type { BudgetProgress, UsageSummary } from "@/lib/dashboard/contract";
import { formatDate, formatNumber, formatPercent, totalTokens } from "@/lib/format";
import { formatUsd } from "@/lib/money";
import { PanelError, Skeleton } from "./panel";

/** Spend, requests, tokens, average cost per request and (for one person) budget used — exactly as the API totals them. */
export function SummaryCards({
  summary,
  showBudgets,
  budgetSettingsHref,
}: {
  summary: UseQueryResult<UsageSummary>;
  showBudgets: boolean;
  /** Where the person can set a budget (their own dashboard only). */
  budgetSettingsHref?: string;
}) {
  const { data, isPending, isError, error, refetch, isPlaceholderData } = summary;
  const grid = cn("grid gap-3 sm:grid-cols-2", showBudgets ? "lg:grid-cols-6" : "lg:grid-cols-4");

  if (isPending) {
    return (
      <div className={grid} aria-busy>
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-[6.5rem] rounded-xl" label={i === 0 ? "Loading totals…" : undefined} />
        ))}
        {showBudgets ? <Skeleton className="h-[6.5rem] rounded-xl sm:col-span-2" /> : null}
      </div>
    );
  }
  if (isError && (!data || isPlaceholderData)) return <PanelError error={error} onRetry={() => void refetch()} />;
  if (!data) return null;

  const t = data.totals;
  const tokens = totalTokens(t);
  const busy = isPlaceholderData;
  return (
    <div className={cn(grid, "transition-opacity duration-200", busy && "opacity-60")} aria-busy={busy || undefined}>
      <StatCard testId="card-spend" label="Total spend" value={formatUsd(t.costNano)} valueTitle={`${formatNumber(t.costNano)} nano-USD`}>
        {t.unpricedRequests > 0 ? (
          <span className="text-amber-700">+ {formatNumber(t.unpricedRequests)} unpriced {t.unpricedRequests === 1 ? "request" : "requests"}</span>
        ) : t.estimatedRequests > 0 ? (
          <span>{formatNumber(t.estimatedRequests)} estimated</span>
        ) : (
          "All requests priced"
        )}
      </StatCard>
      <StatCard testId="card-requests" label="Requests" value={formatNumber(t.requests)}>
        {t.errorRequests > 0 ? <span className="text-red-700">{formatNumber(t.errorRequests)} failed</span> : "No failures"}
      </StatCard>
      <StatCard
        testId="card-tokens"
        label="Tokens"
        value={formatNumber(tokens)}
        valueTitle={[
          `${formatNumber(t.inputTokens)} input`,
          `${formatNumber(t.cacheReadTokens)} cache read`,
          `${formatNumber(t.cacheWriteTokens)} cache write`,
          `${formatNumber(t.outputTokens)} output (${formatNumber(t.reasoningTokens)} reasoning)`,
        ].join("\n")}
      >
        {formatNumber(tokens - t.outputTokens)} in · {formatNumber(t.outputTokens)} out
      </StatCard>
      <StatCard testId="card-avg" label="Avg cost / request" value={formatUsd(t.avgCostPerRequestNano)}>
        Over priced requests
      </StatCard>
      {showBudgets ? <BudgetCard budgets={data.budgets} settingsHref={budgetSettingsHref} timeZone={data.range.timeZone} /> : null}
    </div>
  );
}

function StatCard({ testId, label, value, valueTitle, children }: { testId: string; label: string; value: string; valueTitle?: string; children?: ReactNode }) {
  return (
    <div className="min-w-0 rounded-xl border border-zinc-200 bg-white px-4 py-3.5 shadow-sm" data-testid={testId}>
      <p className="text-xs font-medium text-zinc-500">{label}</p>
      <p className="mt-1 truncate text-2xl font-semibold tracking-tight text-zinc-900 tabular-nums" title={valueTitle} data-testid={`${testId}-value`}>
        {value}
      </p>
      {children ? <p className="mt-1 truncate text-xs text-zinc-500 tabular-nums">{children}</p> : null}
    </div>
  );
}

function budgetAmount(budget: BudgetProgress, amount: number): string {
  return budget.kind === "monthly_tokens" ? `${formatNumber(amount)} tokens` : formatUsd(amount);
}

function BudgetCard({ budgets, settingsHref, timeZone }: { budgets: BudgetProgress[]; settingsHref?: string; timeZone: string }) {
  return (
    <div className="min-w-0 rounded-xl border border-zinc-200 bg-white px-4 py-3.5 shadow-sm sm:col-span-2" data-testid="card-budget">
      <p className="text-xs font-medium text-zinc-500">Budget used</p>
      {budgets.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600">
          No budget set.{" "}
          {settingsHref ? (
            <Link href={settingsHref} className="font-medium text-brand-600 hover:underline">
              Set a monthly limit
            </Link>
          ) : null}
        </p>
      ) : (
        <ul className="mt-1.5 space-y-2.5">
          {budgets.map((budget) => (
            <BudgetRow key={budget.kind} budget={budget} timeZone={timeZone} />
          ))}
        </ul>
      )}
    </div>
  );
}

function BudgetRow({ budget, timeZone }: { budget: BudgetProgress; timeZone: string }) {
  const ratio = budget.limit > 0 ? budget.used / budget.limit : 0;
  const tone = ratio >= 1 ? "bg-red-500" : ratio >= 0.8 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <li data-testid={`budget-${budget.kind}`}>
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="flex min-w-0 items-center gap-1.5 truncate font-medium text-zinc-800">
          {budget.label}
          {budget.cap ? (
            <Badge tone="blue" title="Set by an admin; you cannot raise it">
              cap
            </Badge>
          ) : null}
        </span>
        <span className="shrink-0 text-zinc-600 tabular-nums">
          <span className="font-medium text-zinc-900" data-testid="budget-used">
            {budgetAmount(budget, budget.used)}
          </span>{" "}
          of {budgetAmount(budget, budget.limit)}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${budget.label}: ${formatPercent(ratio)} used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, Math.round(ratio * 100))}
        className="mt-1 h-1.5 overflow-hidden rounded-full bg-zinc-100"
      >
        <div className={cn("h-full rounded-full transition-[width] duration-300", tone)} style={{ width: `${Math.min(100, ratio * 100)}%` }} />
      </div>
      <p className="mt-0.5 flex justify-between text-[11px] text-zinc-500 tabular-nums">
        <span>{formatPercent(ratio)} used</span>
        <span>Resets {formatDate(budget.resetsAt, timeZone)}</span>
      </p>
    </li>
  );
}
