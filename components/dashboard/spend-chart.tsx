"use client";

import dynamic from "next/dynamic";
import { useMemo, useState } from "react";
import { formatDayRange } from "@/lib/format";
import { seriesColor, seriesLabel } from "./palette";
import { EmptyNote, Panel, PanelError, Segmented, Skeleton } from "./panel";
import type { RangeSelection } from "./range";
import type { ChartSeries } from "./spend-area-chart";
import type { GroupBy } from "./usage-api";
import { useTimeseries } from "./use-usage-data";

const CHART_HEIGHT = 260;

const SpendAreaChart = dynamic(() => import("./spend-area-chart").then((m) => m.SpendAreaChart), {
  ssr: false,
  loading: () => <Skeleton className="h-[260px] w-full" label="Loading chart…" />,
});

const GROUP_LABELS: Record<GroupBy, string> = { none: "Total", provider: "Provider", model: "Model", user: "User", team: "Team" };

/** Spend over time, stacked by provider, model or (admin) user: by hour for Today, by day otherwise. */
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
            <SpendAreaChart data={data} series={series} height={CHART_HEIGHT} />
          </div>
          <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600" aria-label="Legend" data-testid="spend-legend">
            {series.map((s) => (
              <li key={s.key} className="flex items-center gap-1.5" title={s.key}>
                <span className="size-2.5 rounded-sm" style={{ backgroundColor: s.color }} aria-hidden />
                {s.label}
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
