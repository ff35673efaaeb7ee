"use client";

import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { formatNumber, formatUsdCompact } from "@/lib/format";
import { formatUsd } from "@/lib/money";

/** Cost per breakdown row as horizontal bars (loaded on demand, like the spend chart). */

export interface BarDatum {
  key: string;
  label: string;
  costNano: number;
  requests: number;
  color: string;
}

const ROW_HEIGHT = 26;
const AXIS_TICK = { fontSize: 11, fill: "#71717a" };

export function breakdownChartHeight(rows: number): number {
  return rows * ROW_HEIGHT + 28;
}

function shorten(text: string, max = 22): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function BreakdownBarChart({ data }: { data: BarDatum[] }) {
  return (
    <BarChart
      responsive
      layout="vertical"
      style={{ width: "100%", height: breakdownChartHeight(data.length) }}
      data={data}
      margin={{ top: 0, right: 12, bottom: 0, left: 0 }}
      barCategoryGap={5}
    >
      <XAxis type="number" tickFormatter={(v: number) => formatUsdCompact(v)} tick={AXIS_TICK} tickLine={false} axisLine={false} />
      <YAxis type="category" dataKey="label" width={150} tick={AXIS_TICK} tickFormatter={(v: string) => shorten(v)} tickLine={false} axisLine={false} interval={0} />
      <Tooltip cursor={{ fill: "#f4f4f5" }} isAnimationActive={false} content={(props) => <BarTooltip {...props} />} />
      <Bar dataKey="costNano" radius={[0, 4, 4, 0]} isAnimationActive={false}>
        {data.map((d) => (
          <Cell key={d.key} fill={d.color} />
        ))}
      </Bar>
    </BarChart>
  );
}

function BarTooltip({ active, payload }: TooltipContentProps) {
  const datum = active ? (payload?.[0]?.payload as BarDatum | undefined) : undefined;
  if (!datum) return null;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white/95 px-3 py-2 text-xs shadow-lg backdrop-blur">
      <p className="flex items-center gap-1.5 font-medium text-zinc-900">
        <span className="size-2 rounded-sm" style={{ backgroundColor: datum.color }} aria-hidden />
        {datum.label}
      </p>
      <p className="mt-0.5 text-zinc-600 tabular-nums">
        {formatUsd(datum.costNano)} · {formatNumber(datum.requests)} {datum.requests === 1 ? "request" : "requests"}
      </p>
    </div>
  );
}
