"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { BREAKDOWN_BY, type BreakdownRow } from "@/lib/dashboard/contract";
import { formatNumber } from "@/lib/format";
import { formatUsd } from "@/lib/money";
import type { BarDatum } from "./breakdown-bar-chart";
import { breakdownChartHeight } from "./breakdown-chart-height";
import { seriesColor, seriesLabel, sourceLabel } from "./palette";
import { EmptyNote, Panel, PanelError, Segmented, Skeleton } from "./panel";
import type { RangeSelection } from "./range";
import { NumTh, Td, Th } from "./table";
import type { BreakdownBy } from "./usage-api";
import { useBreakdown } from "./use-usage-data";

const BreakdownBarChart = dynamic(() => import("./breakdown-bar-chart").then((m) => m.BreakdownBarChart), {
  ssr: false,
  loading: () => <Skeleton className="h-48 w-full" label="Loading chart…" />,
});

const BY_LABELS: Record<BreakdownBy, string> = { model: "Model", provider: "Provider", feature: "Feature", assistant: "Assistant", source: "Source", user: "User", team: "Team" };
const CHART_ROWS = 10;

/** Provider ids and sources read better as names; everything else as the API labels it. */
function rowLabel(by: BreakdownBy, row: BreakdownRow): string {
  if (by === "source") return sourceLabel(row.key);
  return row.label === row.key ? seriesLabel(row.key) : row.label;
}

/**
 * The key a row's colour follows, the same one the spend chart stacks by: user rows are keyed by id here but by
 * email in the timeseries, so users are coloured by email.
 */
function colorKey(by: BreakdownBy, row: BreakdownRow): string {
  return by === "user" ? row.label : row.key;
}

/** Where a spender goes: by model, provider, feature, assistant, source (and, for admins, user) — bars plus the full table. */
export function BreakdownPanel({
  apiBase,
  range,
  enabled = true,
  dimensions = BREAKDOWN_BY,
  rowHref,
}: {
  apiBase: string;
  range: RangeSelection;
  enabled?: boolean;
  dimensions?: readonly BreakdownBy[];
  /** A link for a row's name (admin: a user's own dashboard). */
  rowHref?: (by: BreakdownBy, row: BreakdownRow) => string | null;
}) {
  const [by, setBy] = useState<BreakdownBy>(dimensions[0] ?? "model");
  const query = useBreakdown(apiBase, range, by, enabled);
  const { data } = query;
  const rows = useMemo(() => data?.rows ?? [], [data]);
  const bars: BarDatum[] = useMemo(
    () =>
      [...rows]
        .sort((a, b) => b.costNano - a.costNano)
        .slice(0, CHART_ROWS)
        .filter((row) => row.costNano > 0)
        .map((row) => ({ key: row.key, label: rowLabel(by, row), costNano: row.costNano, requests: row.requests, color: seriesColor(colorKey(by, row)) })),
    [rows, by],
  );

  return (
    <Panel
      title="Breakdown"
      description={`Spend and tokens by ${BY_LABELS[by].toLowerCase()}`}
      busy={query.isPending || query.isPlaceholderData}
      data-testid="breakdown"
      actions={
        <Segmented
          role="tablist"
          label="Break down by"
          options={dimensions.map((value) => ({ value, label: BY_LABELS[value] }))}
          value={by}
          onChange={setBy}
          testIdPrefix="breakdown-tab"
        />
      }
    >
      <div role="tabpanel" aria-label={`By ${BY_LABELS[by].toLowerCase()}`}>
        {query.isPending ? (
          <div className="space-y-3">
            <Skeleton className="h-40 w-full" label="Loading breakdown…" />
            <Skeleton className="h-32 w-full" />
          </div>
        ) : query.isError && (!data || query.isPlaceholderData) ? (
          <PanelError error={query.error} onRetry={() => void query.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyNote>No usage in this range.</EmptyNote>
        ) : (
          <div className="grid gap-5 2xl:grid-cols-[minmax(0,5fr)_minmax(0,9fr)]">
            <div style={{ minHeight: breakdownChartHeight(Math.max(1, bars.length)) }} role="img" aria-label={`Cost by ${BY_LABELS[by].toLowerCase()}`}>
              {bars.length > 0 ? <BreakdownBarChart data={bars} /> : <EmptyNote>No priced spend to chart.</EmptyNote>}
            </div>
            <BreakdownTable by={by} rows={rows} rowHref={rowHref} />
          </div>
        )}
      </div>
    </Panel>
  );
}

function BreakdownTable({ by, rows, rowHref }: { by: BreakdownBy; rows: BreakdownRow[]; rowHref?: (by: BreakdownBy, row: BreakdownRow) => string | null }) {
  return (
    <div className="-mx-5 overflow-x-auto 2xl:ml-0" role="region" aria-label="Breakdown table" tabIndex={0}>
      <table className="w-full min-w-[40rem] text-sm" data-testid="breakdown-table">
        <caption className="sr-only">Usage by {BY_LABELS[by].toLowerCase()}</caption>
        <thead className="border-b border-zinc-200 text-xs text-zinc-500">
          <tr>
            <Th>{BY_LABELS[by]}</Th>
            <NumTh>Requests</NumTh>
            <NumTh title="Input tokens not served from a cache">Input</NumTh>
            <NumTh title="Input tokens read from the provider's prompt cache">Cached</NumTh>
            <NumTh title="Output tokens, reasoning included">Output</NumTh>
            <NumTh>Reasoning</NumTh>
            <NumTh title="Server-side tool requests billed per request (web searches, web fetches, grounded prompts)">Tool calls</NumTh>
            <NumTh>Cost</NumTh>
            <NumTh>Avg / req</NumTh>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.map((row) => {
            const href = rowHref?.(by, row) ?? null;
            const label = rowLabel(by, row);
            return (
              <tr key={row.key} className="hover:bg-zinc-50" data-testid="breakdown-row" data-key={row.key}>
                <Td className="max-w-56">
                  <span className="flex min-w-0 items-center gap-2" title={row.key}>
                    <span className="size-2.5 shrink-0 rounded-sm" style={{ backgroundColor: seriesColor(colorKey(by, row)) }} aria-hidden />
                    {href ? (
                      <Link href={href} className="truncate font-medium text-brand-600 hover:underline">
                        {label}
                      </Link>
                    ) : (
                      <span className="truncate font-medium text-zinc-800">{label}</span>
                    )}
                  </span>
                </Td>
                <Td num>{formatNumber(row.requests)}</Td>
                <Td num>{formatNumber(row.inputTokens)}</Td>
                <Td
                  num
                  title={
                    row.cacheWriteTokens
                      ? `${formatNumber(row.cacheWriteTokens)} cache write${row.cacheWrite1hTokens ? ` (${formatNumber(row.cacheWrite1hTokens)} for 1 hour)` : ""}`
                      : undefined
                  }
                >
                  {formatNumber(row.cacheReadTokens)}
                </Td>
                <Td num>{formatNumber(row.outputTokens)}</Td>
                <Td num>{formatNumber(row.reasoningTokens)}</Td>
                <Td num title={row.toolCostNano ? `${formatUsd(row.toolCostNano)} in tool fees (included in the cost)` : undefined} data-testid="breakdown-tool-calls">
                  {formatNumber(row.serverToolRequests)}
                </Td>
                <Td num className="font-medium text-zinc-900">
                  {formatUsd(row.costNano)}
                  {row.unpricedRequests > 0 ? (
                    <Badge tone="amber" className="ml-1.5" title="Requests to a model without a known price; their cost is not included">
                      +{formatNumber(row.unpricedRequests)} unpriced
                    </Badge>
                  ) : null}
                </Td>
                <Td num>
                  {formatUsd(row.avgCostPerRequestNano)}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
