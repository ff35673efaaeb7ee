"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { RANGE_PRESETS, rangeQuerySchema, type RangePreset, type ResolvedRange } from "@/lib/dashboard/contract";
import { addDays, formatDayRange, isoDateInZone } from "@/lib/format";
import { PRESET_LABELS, rangeKey, type RangeSelection } from "./range";

/**
 * Today · Last 7 days · Last 30 days · This month · Last month · Custom (two dates and Apply). The selection lives in
 * the URL (see useRange); `resolved` is the range as the server understood it, shown as plain dates.
 */
export function RangePicker({
  range,
  resolved,
  onChange,
}: {
  range: RangeSelection;
  resolved: ResolvedRange | undefined;
  onChange: (next: RangeSelection) => void;
}) {
  const [customOpen, setCustomOpen] = useState(false);
  const showCustom = customOpen || range.preset === "custom";

  function pick(preset: RangePreset) {
    if (preset === "custom") {
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    onChange({ preset });
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <div role="group" aria-label="Date range" className="inline-flex flex-wrap rounded-lg bg-zinc-100 p-0.5">
        {RANGE_PRESETS.map((preset) => {
          const active = preset === "custom" ? showCustom : !showCustom && range.preset === preset;
          return (
            <button
              key={preset}
              type="button"
              aria-pressed={active}
              onClick={() => pick(preset)}
              data-testid={`range-${preset}`}
              className={cn(
                "rounded-md px-2.5 py-1.5 text-xs font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-brand-500",
                active ? "bg-white text-zinc-900 shadow-sm" : "text-zinc-600 hover:text-zinc-900",
              )}
            >
              {PRESET_LABELS[preset]}
            </button>
          );
        })}
      </div>
      {showCustom ? (
        <CustomRangeForm
          // Start over from the URL whenever the applied range changes (reload, back, a shared link).
          key={rangeKey(range)}
          initialFrom={range.preset === "custom" ? range.from : resolved?.from}
          initialTo={range.preset === "custom" ? range.to : resolved?.to}
          timeZone={resolved?.timeZone}
          onApply={(from, to) => onChange({ preset: "custom", from, to })}
        />
      ) : null}
    </div>
  );
}

function CustomRangeForm({
  initialFrom,
  initialTo,
  timeZone,
  onApply,
}: {
  initialFrom: string | undefined;
  initialTo: string | undefined;
  timeZone: string | undefined;
  onApply: (from: string, to: string) => void;
}) {
  const [from, setFrom] = useState(initialFrom ?? "");
  const [to, setTo] = useState(initialTo ?? "");
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = rangeQuerySchema.safeParse({ range: "custom", from: from || undefined, to: to || undefined });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Pick a start and an end date.");
      return;
    }
    setError(null);
    onApply(from, to);
  }

  function fillDefaults() {
    // Chosen on focus, not while rendering: "today" differs between the server and the browser.
    if (from && to) return;
    const today = isoDateInZone(new Date(), timeZone);
    if (!to) setTo(today);
    if (!from) setFrom(addDays(to || today, -6));
  }

  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2" data-testid="custom-range" noValidate>
      <label className="flex items-center gap-1.5 text-xs font-medium text-zinc-600">
        From
        <input
          type="date"
          value={from}
          max={to || undefined}
          onFocus={fillDefaults}
          onChange={(event) => setFrom(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "custom-range-error" : undefined}
          className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm tabular-nums focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
          data-testid="custom-from"
        />
      </label>
      <label className="flex items-center gap-1.5 text-xs font-medium text-zinc-600">
        To
        <input
          type="date"
          value={to}
          min={from || undefined}
          onFocus={fillDefaults}
          onChange={(event) => setTo(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "custom-range-error" : undefined}
          className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm tabular-nums focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
          data-testid="custom-to"
        />
      </label>
      <Button type="submit" variant="secondary" className="h-8 px-3 text-xs" data-testid="custom-apply">
        Apply
      </Button>
      {error ? (
        <p id="custom-range-error" role="alert" className="w-full text-xs text-red-600" data-testid="custom-range-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** "Nov 1 – 24, 2026 · Europe/Berlin": the days the numbers cover, in whose time zone. */
/**
 * The range's dates and whose days they are: "Nov 1 – 24, 2026 · Days in Europe/Berlin" (one person: their time zone),
 * or, organisation-wide, "… · Each person's days in their own time zone" (hours of Today shown in the viewer's).
 */
export function RangeCaption({ resolved }: { resolved: ResolvedRange | undefined }) {
  if (!resolved) return <span className="inline-block h-4 w-40 animate-pulse rounded bg-zinc-100" aria-hidden />;
  const zone = resolved.timeZone.replace(/_/g, " ");
  return (
    <span className="text-xs text-zinc-500 tabular-nums" data-testid="range-caption">
      {formatDayRange(resolved.from, resolved.to)} ·{" "}
      {resolved.perUserDays ? (
        <span title={`Each person's spend is counted over the range in their own time zone; hours are shown in ${zone}.`} data-testid="range-zone">
          Each person&apos;s days in their own time zone
        </span>
      ) : (
        <span data-testid="range-zone">Days in {zone}</span>
      )}
    </span>
  );
}
