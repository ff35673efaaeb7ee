import type { TokenTotals } from "@/lib/dashboard/contract";

/**
 * Display formatting for the dashboards: counts, durations, dates and times. Money stays integer
 * nano-USD until it reaches one of these functions (full amounts: `formatUsd` in lib/money.ts). All output is en-US;
 * times are shown in the time zone given (the subject's, as the API resolved the range) or else the browser's.
 */

const LOCALE = "en-US";

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });

/** Token counts and request counts with thousands separators: 1234567 → "1,234,567". */
export function formatNumber(n: number): string {
  return integer.format(n);
}

/** For chart axes and tight cells: 950 → "950", 1234 → "1.2K", 3_400_000 → "3.4M". */
export function formatCompactNumber(n: number): string {
  return compact.format(n);
}

/** Every token a request used, each counted once: uncached input + cache reads + cache writes + output (reasoning is part of output). */
export function totalTokens(t: TokenTotals): number {
  return t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens + t.outputTokens;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}


/** A share as a percentage: 0.823 → "82%"; tiny but non-zero shares read "<1%", never "0%". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return "—";
  const pct = ratio * 100;
  if (pct > 0 && pct < 1) return "<1%";
  return `${Math.round(pct)}%`;
}

/** 820 → "820 ms", 1430 → "1.4 s", 65_000 → "1 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

// --- Dates and times --------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached formatter; an unknown time zone falls back to the browser's instead of throwing. */
function dateFormat(options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  const key = `${timeZone ?? ""}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(LOCALE, options);
    }
    formatters.set(key, format);
  }
  return format;
}

/** ICU puts thin and narrow no-break spaces in some patterns ("Nov 1 – 24", "2:03 PM"); plain spaces read the same and compare reliably. */
function plainSpaces(text: string): string {
  return text.replace(/[\u2009\u202f]/g, " ");
}

/** A calendar day "YYYY-MM-DD" as an instant that formats back to the same day in UTC (no time-zone shift). */
function dayInstant(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

/** "2026-11-24" → "Nov 24" (a calendar day, independent of any time zone). */
export function formatDay(isoDate: string): string {
  return dateFormat({ month: "short", day: "numeric" }, "UTC").format(dayInstant(isoDate));
}

/** "2026-11-24" → "Tue, Nov 24, 2026" (tooltips). */
export function formatDayLong(isoDate: string): string {
  return dateFormat({ weekday: "short", month: "short", day: "numeric", year: "numeric" }, "UTC").format(dayInstant(isoDate));
}

/** An inclusive range of calendar days: "Nov 24, 2026", "Nov 1 – 24, 2026", "Dec 28, 2025 – Jan 3, 2026". */
export function formatDayRange(from: string, to: string): string {
  const format = dateFormat({ month: "short", day: "numeric", year: "numeric" }, "UTC");
  if (from === to) return format.format(dayInstant(from));
  return plainSpaces(format.formatRange(dayInstant(from), dayInstant(to)));
}

/** An instant as an hour of the day in `timeZone`: "2 PM". */
export function formatHour(iso: string, timeZone?: string): string {
  return plainSpaces(dateFormat({ hour: "numeric" }, timeZone).format(new Date(iso)));
}

/** An instant in `timeZone`: "Nov 24, 2026, 2:03 PM". */
export function formatDateTime(iso: string, timeZone?: string): string {
  return plainSpaces(dateFormat({ month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit" }, timeZone).format(new Date(iso)));
}

/** An instant in `timeZone`, short for dense tables: "Nov 24, 2:03:09 PM". */
export function formatDateTimeShort(iso: string, timeZone?: string): string {
  return plainSpaces(dateFormat({ month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit" }, timeZone).format(new Date(iso)));
}

/** An instant as the calendar date it falls on in `timeZone`: "Dec 1, 2026" (budget resets). */
export function formatDate(iso: string, timeZone?: string): string {
  return dateFormat({ month: "short", day: "numeric", year: "numeric" }, timeZone).format(new Date(iso));
}

/** The calendar day an instant falls on in `timeZone`, as "YYYY-MM-DD". */
export function isoDateInZone(instant: Date, timeZone?: string): string {
  const parts = dateFormat({ year: "numeric", month: "2-digit", day: "2-digit" }, timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** "YYYY-MM-DD" plus `days` (may be negative), in calendar days. */
export { addDays } from "@/lib/budgets/periods";

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto", style: "short" });

/** How long ago, for "last active": "just now", "5 min. ago", "3 hr. ago", "yesterday", "12 days ago", then a date. */
export function formatRelativeTime(iso: string, now: Date, timeZone?: string): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return relative.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 24) return relative.format(-hours, "hour");
  const days = Math.round(hours / 24);
  if (days < 31) return relative.format(-days, "day");
  return formatDate(iso, timeZone);
}
