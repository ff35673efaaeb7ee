"use client";

import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { labelWidth, moneyAxis } from "@/lib/dashboard/axis-ticks";
import { formatNumber } from "@/lib/format";
import { formatUsdExact } from "@/lib/money";
import { breakdownChartHeight } from "./breakdown-chart-height";

/**
 * Cost per breakdown row as horizontal bars (loaded on demand, like the spend chart). The money axis comes from
 * lib/dashboard/axis-ticks.ts (no repeated labels); the category axis is as wide as its longest (shortened) label, up
 * to MAX_CATEGORY_WIDTH; the tooltip shows the exact amount.
 */

export interface BarDatum {
  key: string;
  label: string;
  costNano: number;
  requests: number;
  color: string;
}

const AXIS_TICK = { fontSize: 11 };
const MAX_CATEGORY_WIDTH = 160;

function shorten(text: string, max = 22): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function BreakdownBarChart({ data }: { data: BarDatum[] }) {
  // Three intervals at most: the axis runs along the bottom of a narrow card on a phone.
  const axis = moneyAxis(data.reduce((m, d) => Math.max(m, d.costNano), 0), 3);
  const categoryWidth = Math.min(MAX_CATEGORY_WIDTH, labelWidth(data.map((d) => shorten(d.label))));
  return (
    <BarChart
      responsive
      layout="vertical"
      style={{ width: "100%", height: breakdownChartHeight(data.length) }}
      data={data}
      margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
      barCategoryGap={5}
    >
      <XAxis
        type="number"
        ticks={axis.ticks}
        domain={[0, axis.ticks.at(-1)!]}
        interval="preserveStartEnd"
        tickFormatter={axis.format}
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={false}
      />
      <YAxis type="category" dataKey="label" width={categoryWidth} tick={AXIS_TICK} tickFormatter={(v: string) => shorten(v)} tickLine={false} axisLine={false} interval={0} />
      <Tooltip cursor={{ fill: "var(--chart-cursor-fill)" }} isAnimationActive={false} content={(props) => <BarTooltip {...props} />} />
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
        {formatUsdExact(datum.costNano)} · {formatNumber(datum.requests)} {datum.requests === 1 ? "request" : "requests"}
      </p>
    </div>
  );
}
