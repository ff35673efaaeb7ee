"use client";

import dynamic from "next/dynamic";
import { useMemo, useState } from "react";
import { cn } from "@/lib/cn";
import { formatDayRange } from "@/lib/format";
import { seriesColor, seriesLabel } from "./palette";
import { EmptyNote, Panel, PanelError, Segmented, Skeleton } from "./panel";
import type { RangeSelection } from "./range";
import type { ChartSeries } from "./spend-bar-chart";
import type { GroupBy } from "./usage-api";
import { useTimeseries } from "./use-usage-data";

const CHART_HEIGHT = 260;

const SpendBarChart = dynamic(() => import("./spend-bar-chart").then((m) => m.SpendBarChart), {
  ssr: false,
  loading: () => <Skeleton className="h-[260px] w-full" label="Loading chart…" />,
});

const GROUP_LABELS: Record<GroupBy, string> = { none: "Total", provider: "Provider", model: "Model", user: "User", team: "Team" };

/**
 * Spend over time as stacked bars, by provider, model or (admin) user or team: by hour for Today, by day otherwise.
 * The legend's entries are toggle buttons: pressed = the series is drawn.
 */
export function SpendChart({
  apiBase,
  range,
  enabled = true,
  groupByOptions = ["provider", "model"],
  title = "Spend over time",
}: {
  apiBase: string;
  range: RangeSelection;
  enabled?: boolean;
  groupByOptions?: readonly GroupBy[];
  title?: string;
}) {
  const [groupBy, setGroupBy] = useState<GroupBy>(groupByOptions[0] ?? "provider");
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (key: string) =>
    setHidden((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const query = useTimeseries(apiBase, range, groupBy, enabled);
  const { data } = query;
  // Keys are display values already (provider ids, model names, user emails), plus "other".
  const series: ChartSeries[] = useMemo(() => (data?.keys ?? []).map((key) => ({ key, label: seriesLabel(key), color: seriesColor(key) })), [data?.keys]);
  const empty = data ? data.points.every((point) => point.requests === 0 && Object.values(point.values).every((v) => v === 0)) : false;

  return (
    <Panel
      title={title}
      description={data ? `${data.bucket === "hour" ? "By hour" : "By day"} · ${formatDayRange(data.range.from, data.range.to)}` : "\u00a0"}
      busy={query.isPending || query.isPlaceholderData}
      data-testid="spend-chart"
      actions={
        groupByOptions.length > 1 ? (
          <Segmented
            label="Stack by"
            options={groupByOptions.map((value) => ({ value, label: `By ${GROUP_LABELS[value].toLowerCase()}` }))}
            value={groupBy}
            onChange={setGroupBy}
            testIdPrefix="stack"
          />
        ) : null
      }
    >
      {query.isPending ? (
        <Skeleton className="h-[260px] w-full" label="Loading spend over time…" />
      ) : query.isError && (!data || query.isPlaceholderData) ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : !data ? null : empty ? (
        <EmptyNote>No spend in this range.</EmptyNote>
      ) : (
        <>
          <div style={{ height: CHART_HEIGHT }} className="[&_.recharts-wrapper]:outline-none [&_svg]:outline-none" role="img" aria-label={`${title}, stacked by ${GROUP_LABELS[groupBy].toLowerCase()}`}>
            <SpendBarChart data={data} series={series} hidden={hidden} height={CHART_HEIGHT} />
          </div>
          <ul className="mt-3 flex flex-wrap gap-x-1 gap-y-1 text-xs" aria-label="Legend: show or hide a series" data-testid="spend-legend">
            {series.map((s) => {
              const shown = !hidden.has(s.key);
              return (
                <li key={s.key}>
                  <button
                    type="button"
                    aria-pressed={shown}
                    onClick={() => toggle(s.key)}
                    title={`${shown ? "Hide" : "Show"} ${s.key}`}
                    className={cn(
                      "flex items-center gap-1.5 rounded px-1.5 py-0.5 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-brand-500",
                      shown ? "text-zinc-700" : "text-zinc-500 line-through",
                    )}
                    data-testid="spend-legend-item"
                  >
                    <span className="size-2.5 rounded-sm border" style={shown ? { backgroundColor: s.color, borderColor: s.color } : { borderColor: s.color }} aria-hidden />
                    {s.label}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Panel>
  );
}
