"use client";

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { moneyAxis } from "@/lib/dashboard/axis-ticks";
import type { UsageTimeseries } from "@/lib/dashboard/contract";
import { formatDayLong, formatDateTime, formatDay, formatHour, formatNumber } from "@/lib/format";
import { formatUsdExact } from "@/lib/money";

/**
 * The stacked spend-over-time chart itself (loaded on demand: Recharts is the largest thing on the page): one bar per
 * day (per hour for Today), so a day without spend is an empty slot at $0, never a ramp drawn between its neighbours.
 * Series are stored under positional keys (s0, s1, …) because model names contain dots, which Recharts reads as paths.
 * Colours of the chrome come from the --chart-* variables (light and dark, app/globals.css).
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

const AXIS_TICK = { fontSize: 11 };

export function SpendBarChart({
  data,
  series,
  hidden,
  height = 260,
}: {
  data: UsageTimeseries;
  series: ChartSeries[];
  /** Keys of series the legend has switched off. */
  hidden: ReadonlySet<string>;
  height?: number;
}) {
  const rows: Row[] = data.points.map((point) => {
    const row: Row = { t: point.t, requests: point.requests };
    series.forEach((s, i) => {
      row[`s${i}`] = point.values[s.key] ?? 0;
    });
    return row;
  });
  const shown = series.map((s, i) => ({ ...s, dataKey: `s${i}` as const })).filter((s) => !hidden.has(s.key));
  const max = rows.reduce((m, row) => Math.max(m, shown.reduce((sum, s) => sum + (row[s.dataKey] ?? 0), 0)), 0);
  const axis = moneyAxis(max);
  const timeZone = data.range.timeZone;
  const tick = (t: string) => (data.bucket === "hour" ? formatHour(t, timeZone) : formatDay(t));
  const title = (t: string) => (data.bucket === "hour" ? formatDateTime(t, timeZone) : formatDayLong(t));

  return (
    <BarChart responsive style={{ width: "100%", height }} data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="15%">
      <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
      <XAxis dataKey="t" tickFormatter={tick} tick={AXIS_TICK} tickLine={false} axisLine={{ stroke: "var(--chart-axis-line)" }} minTickGap={24} />
      <YAxis
        ticks={axis.ticks}
        domain={[0, axis.ticks.at(-1)!]}
        interval={0}
        tickFormatter={axis.format}
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={false}
        width={axis.width}
      />
      <Tooltip
        cursor={{ fill: "var(--chart-cursor-fill)" }}
        isAnimationActive={false}
        content={(props) => <SpendTooltip {...props} series={shown} partial={shown.length < series.length} title={title} />}
      />
      {series.map((s, i) => (
        <Bar key={s.key} dataKey={`s${i}`} name={s.label} stackId="spend" fill={s.color} hide={hidden.has(s.key)} maxBarSize={48} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}

function SpendTooltip({
  active,
  payload,
  label,
  series,
  partial,
  title,
}: TooltipContentProps & { series: (ChartSeries & { dataKey: `s${number}` })[]; partial: boolean; title: (t: string) => string }) {
  if (!active || !payload?.length) return null;
  const row = payload[0]?.payload as Row | undefined;
  if (!row) return null;
  const lines = series
    .map((s) => ({ ...s, value: row[s.dataKey] ?? 0 }))
    .filter((line) => line.value > 0)
    .reverse();
  // The bucket's spend is every shown series of it, "other" included; exact to the nano-dollar.
  const total = series.reduce((sum, s) => sum + (row[s.dataKey] ?? 0), 0);
  return (
    <div className="min-w-44 rounded-lg border border-zinc-200 bg-white/95 px-3 py-2 text-xs shadow-lg backdrop-blur" data-testid="spend-tooltip">
      <p className="font-medium text-zinc-900">{title(String(label ?? row.t))}</p>
      <p className="mt-0.5 flex justify-between gap-4 text-zinc-500 tabular-nums">
        <span>
          {formatNumber(row.requests)} {row.requests === 1 ? "request" : "requests"}
        </span>
        <span className="font-medium text-zinc-900">
          {formatUsdExact(total)}
          {partial ? <span className="font-normal text-zinc-500"> shown</span> : null}
        </span>
      </p>
      {lines.length > 1 || (lines.length === 1 && series.length > 1) ? (
        <ul className="mt-1.5 space-y-0.5 border-t border-zinc-100 pt-1.5">
          {lines.map((line) => (
            <li key={line.key} className="flex items-center justify-between gap-4 tabular-nums">
              <span className="flex min-w-0 items-center gap-1.5 text-zinc-600">
                <span className="size-2 shrink-0 rounded-sm" style={{ backgroundColor: line.color }} aria-hidden />
                <span className="truncate">{line.label}</span>
              </span>
              <span className="text-zinc-900">{formatUsdExact(line.value)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
