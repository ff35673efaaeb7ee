import { addDays, isValidTimeZone, localDay, startOfLocalDay } from "@/lib/budgets/periods";
import type { RangeQuery, ResolvedRange } from "./contract";

/**
 * Date ranges of the dashboards: a RangeQuery resolved in a time zone to inclusive local days (`from`..`to`) and the
 * instants they span (`startsAt` inclusive, `endsAt` exclusive: the first instant of the day after `to`). Pure Intl
 * arithmetic (lib/budgets/periods.ts), so DST days are 23 or 25 hours long and nothing else needs a zone library.
 *
 *   today       the local day of `now`                                    (the only range charted by hour)
 *   7d / 30d    today and the 6 / 29 days before it
 *   this_month  the 1st of the current month to today (month to date)
 *   last_month  the whole previous calendar month
 *   custom      from..to as given (the query schema has checked them)
 */

// The day arithmetic is the usage recorder's own (lib/budgets/periods.ts): dashboard days are the rollups' days.
export { addDays, localDay };

const MS_PER_HOUR = 3_600_000;

/** The zone to use for a stored preference: a valid IANA zone, else UTC (a null or broken setting). */
export function effectiveTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : "UTC";
}

function parseDay(day: string): { year: number; month: number; day: number } {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return { year, month, day: date };
}

function formatDay(utcMidnight: Date): string {
  return utcMidnight.toISOString().slice(0, 10);
}


/** The first instant of a local day in a time zone. */
export function startOfDay(day: string, timeZone: string): Date {
  const p = parseDay(day);
  return startOfLocalDay(p.year, p.month, p.day, timeZone);
}

export function resolveRange(query: RangeQuery, timeZone: string, now: Date = new Date()): ResolvedRange {
  const zone = effectiveTimeZone(timeZone);
  const today = localDay(now, zone);
  const { year, month } = parseDay(today);
  let from: string;
  let to: string;
  switch (query.range) {
    case "today":
      from = to = today;
      break;
    case "7d":
      from = addDays(today, -6);
      to = today;
      break;
    case "30d":
      from = addDays(today, -29);
      to = today;
      break;
    case "this_month":
      from = formatDay(new Date(Date.UTC(year, month - 1, 1)));
      to = today;
      break;
    case "last_month":
      from = formatDay(new Date(Date.UTC(year, month - 2, 1)));
      to = formatDay(new Date(Date.UTC(year, month - 1, 0)));
      break;
    case "custom":
      if (!query.from || !query.to) throw new Error("resolveRange: a custom range needs from and to");
      from = query.from;
      to = query.to;
      break;
  }
  return {
    preset: query.range,
    from,
    to,
    timeZone: zone,
    startsAt: startOfDay(from, zone).toISOString(),
    endsAt: startOfDay(addDays(to, 1), zone).toISOString(),
  };
}

/** How the range is charted: by hour for today, by day otherwise. */
export function bucketOf(range: Pick<ResolvedRange, "preset">): "hour" | "day" {
  return range.preset === "today" ? "hour" : "day";
}

/** Every local day of the range, in order. */
export function daysIn(range: Pick<ResolvedRange, "from" | "to">): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The start of every hour of the range, as ISO instants, counted from its first local midnight: 24 on most days, 23
 * on a spring-forward day, 25 on a fall-back day. Bucket i holds the instants [startsAt + i h, startsAt + (i+1) h).
 */
export function hoursIn(range: Pick<ResolvedRange, "startsAt" | "endsAt">): string[] {
  const start = Date.parse(range.startsAt);
  const end = Date.parse(range.endsAt);
  const hours: string[] = [];
  for (let t = start; t < end; t += MS_PER_HOUR) hours.push(new Date(t).toISOString());
  return hours;
}

/** Users whose stored time zones resolve a range to the same span (a `null` zone is a user who has not set one). */
export interface ZoneSpan {
  timeZones: (string | null)[];
  range: ResolvedRange;
}

/** An organisation-wide range: each group of time zones' own span, the span of any zone not listed, and their bounds. */
export interface OrgRange {
  range: ResolvedRange;
  spans: ZoneSpan[];
  /** For a user whose zone was not in the list (set since it was read): UTC days, within the bounds of `range`. */
  otherwise: ResolvedRange;
}

/**
 * Resolves a range for every user at once, each in their own stored time zone (broken or missing zones count as UTC,
 * as everywhere else). The combined range has the earliest `from`/`startsAt`, the latest `to`/`endsAt`, the viewer's
 * zone for labelling hours, and `perUserDays: true`.
 */
export function resolveOrgRange(query: RangeQuery, storedZones: readonly (string | null)[], viewerTimeZone: string, now: Date = new Date()): OrgRange {
  const otherwise = resolveRange(query, "UTC", now);
  const byKey = new Map<string, ZoneSpan>();
  for (const stored of new Set(storedZones)) {
    const range = resolveRange(query, effectiveTimeZone(stored), now);
    const key = `${range.from}|${range.to}|${range.startsAt}|${range.endsAt}`;
    const span = byKey.get(key) ?? { timeZones: [], range };
    span.timeZones.push(stored);
    byKey.set(key, span);
  }
  const spans = [...byKey.values()];
  // The bounds are the listed users' spans: a zone set since the list was read is counted on UTC days within them.
  const all = spans.length > 0 ? spans.map((s) => s.range) : [otherwise];
  const pick = (field: "from" | "to" | "startsAt" | "endsAt", later: boolean) =>
    all.map((r) => r[field]).reduce((a, b) => ((later ? b > a : b < a) ? b : a));
  const range: ResolvedRange = {
    preset: query.range,
    from: pick("from", false),
    to: pick("to", true),
    timeZone: effectiveTimeZone(viewerTimeZone),
    startsAt: pick("startsAt", false),
    endsAt: pick("endsAt", true),
    perUserDays: true,
  };
  return { range, spans, otherwise };
}
