"use client";

import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { UsageTimeseries } from "@/lib/dashboard/contract";
import { formatDayLong, formatDateTime, formatDay, formatHour, formatNumber, formatUsdCompact } from "@/lib/format";
import { formatUsd } from "@/lib/money";

/**
 * The stacked spend-over-time chart itself (loaded on demand: Recharts is the largest thing on the page). Series are
 * stored under positional keys (s0, s1, …) because model names contain dots, which Recharts reads as paths.
 */

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

interface Row {
  t: string;
  requests: number;
  [series: `s${number}`]: number;
}

const AXIS_TICK = { fontSize: 11, fill: "#71717a" };

export function SpendAreaChart({ data, series, height = 260 }: { data: UsageTimeseries; series: ChartSeries[]; height?: number }) {
  const rows: Row[] = data.points.map((point) => {
    const row: Row = { t: point.t, requests: point.requests };
    series.forEach((s, i) => {
      row[`s${i}`] = point.values[s.key] ?? 0;
    });
    return row;
  });
  const timeZone = data.range.timeZone;
  const tick = (t: string) => (data.bucket === "hour" ? formatHour(t, timeZone) : formatDay(t));
  const title = (t: string) => (data.bucket === "hour" ? formatDateTime(t, timeZone) : formatDayLong(t));

  return (
    <AreaChart responsive style={{ width: "100%", height }} data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid vertical={false} stroke="#f4f4f5" />
      <XAxis dataKey="t" tickFormatter={tick} tick={AXIS_TICK} tickLine={false} axisLine={{ stroke: "#e4e4e7" }} minTickGap={24} />
      <YAxis tickFormatter={(v: number) => formatUsdCompact(v)} tick={AXIS_TICK} tickLine={false} axisLine={false} width={56} allowDecimals />
      <Tooltip
        cursor={{ stroke: "#a1a1aa", strokeDasharray: "3 3" }}
        isAnimationActive={false}
        content={(props) => <SpendTooltip {...props} series={series} title={title} />}
      />
      {series.map((s, i) => (
        <Area
          key={s.key}
          dataKey={`s${i}`}
          name={s.label}
          stackId="spend"
          type="monotone"
          stroke={s.color}
          strokeWidth={1.5}
          fill={s.color}
          fillOpacity={0.28}
          isAnimationActive={false}
          activeDot={{ r: 3, strokeWidth: 0 }}
        />
      ))}
    </AreaChart>
  );
}

function SpendTooltip({
  active,
  payload,
  label,
  series,
  title,
}: TooltipContentProps & { series: ChartSeries[]; title: (t: string) => string }) {
  if (!active || !payload?.length) return null;
  const row = payload[0]?.payload as Row | undefined;
  if (!row) return null;
  const lines = series
    .map((s, i) => ({ ...s, value: row[`s${i}`] ?? 0 }))
    .filter((line) => line.value > 0)
    .reverse();
  // The bucket's spend is every series of it, "other" included: a complete sum, not a partial one.
  const total = series.reduce((sum, _s, i) => sum + (row[`s${i}`] ?? 0), 0);
  return (
    <div className="min-w-44 rounded-lg border border-zinc-200 bg-white/95 px-3 py-2 text-xs shadow-lg backdrop-blur">
      <p className="font-medium text-zinc-900">{title(String(label ?? row.t))}</p>
      <p className="mt-0.5 flex justify-between gap-4 text-zinc-500 tabular-nums">
        <span>
          {formatNumber(row.requests)} {row.requests === 1 ? "request" : "requests"}
        </span>
        <span className="font-medium text-zinc-900">{formatUsd(total)}</span>
      </p>
      {lines.length > 1 || (lines.length === 1 && series.length > 1) ? (
        <ul className="mt-1.5 space-y-0.5 border-t border-zinc-100 pt-1.5">
          {lines.map((line) => (
            <li key={line.key} className="flex items-center justify-between gap-4 tabular-nums">
              <span className="flex min-w-0 items-center gap-1.5 text-zinc-600">
                <span className="size-2 shrink-0 rounded-sm" style={{ backgroundColor: line.color }} aria-hidden />
                <span className="truncate">{line.label}</span>
              </span>
              <span className="text-zinc-900">{formatUsd(line.value)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
