"use client";

import { Alert } from "@/components/ui/alert";
import type { BreakdownRow } from "@/lib/dashboard/contract";
import { AdminUnpriced } from "./admin-unpriced";
import { AdminUsersTable } from "./admin-users-table";
import { BreakdownPanel } from "./breakdown-panel";
import { RangeCaption, RangePicker } from "./range-picker";
import { SpendChart } from "./spend-chart";
import { SummaryCards } from "./summary-cards";
import type { BreakdownBy } from "./usage-api";
import { UsageNote } from "./usage-note";
import { useRange } from "./use-range";
import { useSummary } from "./use-usage-data";

const ORG_API = "/api/admin/usage";

function userHref(by: BreakdownBy, row: BreakdownRow): string | null {
  return by === "user" ? `/admin/users/${encodeURIComponent(row.key)}` : null;
}

/** The organisation: totals, who spends over time, where it goes, every user, and usage nobody can price yet. */
export function AdminDashboard() {
  const { range, error: rangeError, setRange } = useRange();
  const enabled = rangeError === null;
  const summary = useSummary(ORG_API, range, enabled);
  const resolved = summary.data?.range;

  return (
    <div className="space-y-4" data-testid="admin-dashboard">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <RangePicker range={range} resolved={resolved} onChange={setRange} />
        <RangeCaption resolved={resolved} />
      </div>
      {rangeError ? (
        <Alert data-testid="range-error">{rangeError} Pick another range above.</Alert>
      ) : (
        <>
          {summary.data ? (
            <UsageNote
              totals={summary.data.totals}
              unpricedAction={
                <a href="#unpriced" className="font-medium underline underline-offset-2">
                  See the models and add prices
                </a>
              }
            />
          ) : null}
          <SummaryCards summary={summary} showBudgets={false} />
          <SpendChart apiBase={ORG_API} range={range} groupByOptions={["user", "team", "provider", "model"]} title="Top spenders over time" />
          <AdminUsersTable range={range} />
          <BreakdownPanel apiBase={ORG_API} range={range} dimensions={["user", "model", "provider", "feature", "assistant", "source"]} rowHref={userHref} />
          <AdminUnpriced range={range} />
        </>
      )}
    </div>
  );
}
