"use client";

import { Alert } from "@/components/ui/alert";
import { BreakdownPanel } from "./breakdown-panel";
import { DashboardEmpty } from "./dashboard-empty";
import { RangeCaption, RangePicker } from "./range-picker";
import { RecentRequests } from "./recent-requests";
import { SkillsTable } from "./skills-table";
import { SpendChart } from "./spend-chart";
import { SummaryCards } from "./summary-cards";
import { exportUrl } from "./usage-api";
import { UsageNote } from "./usage-note";
import { useRange } from "./use-range";
import { useAnyUsage, useSummary } from "./use-usage-data";

/**
 * One person's cost dashboard: range, cards, spend over time, breakdowns, recent requests, CSV export. `apiBase` is
 * "/api/usage" for the signed-in person, or "/api/admin/users/<id>/usage" when an admin looks at someone; `audience`
 * follows from it (an admin sees no first-steps guide and no links into another person's conversations).
 */
export function UsageDashboard({ apiBase, audience = apiBase.startsWith("/api/admin/") ? "admin" : "self" }: { apiBase: string; audience?: "self" | "admin" }) {
  const { range, error: rangeError, setRange } = useRange();
  const enabled = rangeError === null;
  const summary = useSummary(apiBase, range, enabled);
  const resolved = summary.data?.range;
  const timeZone = resolved?.timeZone;
  const self = audience === "self";

  // A new account (nothing in the last 400 days) gets the first steps instead of a page of zeros.
  const rangeEmpty = summary.isSuccess && !summary.isPlaceholderData && summary.data.totals.requests === 0;
  const anyUsage = useAnyUsage(apiBase, timeZone, self && rangeEmpty);
  if (self && rangeEmpty && anyUsage.data === false) return <DashboardEmpty />;

  return (
    <div className="space-y-4" data-testid="usage-dashboard">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <RangePicker range={range} resolved={resolved} onChange={setRange} />
        <div className="flex items-center gap-3">
          <RangeCaption resolved={resolved} />
          {enabled ? (
            <a
              href={exportUrl(apiBase, range)}
              download
              className="inline-flex h-8 items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3 text-xs font-medium text-zinc-800 shadow-xs hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
              data-testid="export-csv"
            >
              <svg viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden>
                <path d="M8 2v8m0 0L5 7m3 3 3-3M3 12.5h10" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              Download CSV
            </a>
          ) : null}
        </div>
      </div>

      {rangeError ? (
        <Alert data-testid="range-error">
          {rangeError} Pick another range above.
        </Alert>
      ) : (
        <>
          {summary.data ? <UsageNote totals={summary.data.totals} unpricedAction={self ? "An admin can add its price under Admin → Models and prices." : null} /> : null}
          <SummaryCards summary={summary} showBudgets budgetSettingsHref={self ? "/settings?tab=budget" : undefined} />
          <SpendChart apiBase={apiBase} range={range} />
          <BreakdownPanel apiBase={apiBase} range={range} />
          <SkillsTable apiBase={apiBase} range={range} connectLink={self} />
          <RecentRequests apiBase={apiBase} range={range} timeZone={timeZone} conversationLinks={self} />
        </>
      )}
    </div>
  );
}
