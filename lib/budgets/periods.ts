/**
 * Budget periods are calendar days and calendar months in the user's time zone.
 * Pure Intl arithmetic, no time-zone library: correct across DST changes.
 */
export type PeriodKind = "day" | "month";

export interface Period {
  kind: PeriodKind;
  /** Inclusive start instant. */
  start: Date;
  /** Exclusive end instant (= the next period's start): when the budget resets. */
  end: Date;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Formatters by time zone, made once: building an Intl.DateTimeFormat costs far more than using one (a budget
 * reservation needs ten for its month and day), and there are few zones. Bounded in case of many.
 */
function cachedFormat(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) {
    format = make();
    if (cache.size >= 1_000) cache.clear();
    cache.set(timeZone, format);
  }
  return format;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function partsIn(instant: Date, timeZone: string): Parts {
  const format = cachedFormat(
    partsFormats,
    timeZone,
    () =>
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      }),
  );
  const formatted = format.formatToParts(instant);
  const get = (type: string) => Number(formatted.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant when the wall clock in `timeZone` first shows year-month-day 00:00. */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  let instant = guess - offsetAt(new Date(guess), timeZone);
  // One correction handles a DST change between the guess and the answer.
  instant = guess - offsetAt(new Date(instant), timeZone);
  return new Date(instant);
}

/**
 * The last period (or day name) worked out per zone: every call and every recorded event asks for the period it falls
 * in, nearly always the same one, and working it out takes ten Intl calls. Periods partition time, so an instant
 * inside the remembered one has that period.
 */
const lastPeriods = new Map<string, Period>();
const lastDays = new Map<string, { start: number; end: number; day: string }>();

function remembered<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= 1_000) cache.clear();
  cache.set(key, value);
  return value;
}

/** The calendar day of an instant in a time zone, "YYYY-MM-DD" — the day usage rollups are filed under. */
export function localDay(instant: Date, timeZone: string): string {
  const t = instant.getTime();
  const last = lastDays.get(timeZone);
  if (last && t >= last.start && t < last.end) return last.day;
  const day = cachedFormat(dayFormats, timeZone, () => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })).format(instant);
  const period = currentPeriod("day", timeZone, instant);
  return remembered(lastDays, timeZone, { start: period.start.getTime(), end: period.end.getTime(), day }).day;
}

/** "YYYY-MM-DD" plus `days` calendar days (negative to go back). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

export function currentPeriod(kind: PeriodKind, timeZone: string, now: Date = new Date()): Period {
  const period = rememberedPeriod(kind, timeZone, now);
  return { kind, start: new Date(period.start), end: new Date(period.end) };
}

/** When the period `now` falls in starts (epoch ms): `currentPeriod(…).start`, without copying dates. */
export function periodStartMs(kind: PeriodKind, timeZone: string, now: Date): number {
  return rememberedPeriod(kind, timeZone, now).start.getTime();
}

/** The period `now` falls in, as remembered (shared: not to be changed). */
function rememberedPeriod(kind: PeriodKind, timeZone: string, now: Date): Period {
  const key = `${kind} ${timeZone}`;
  const last = lastPeriods.get(key);
  const t = now.getTime();
  if (last && t >= last.start.getTime() && t < last.end.getTime()) return last;
  return remembered(lastPeriods, key, workOutPeriod(kind, timeZone, now));
}

function workOutPeriod(kind: PeriodKind, timeZone: string, now: Date): Period {
  const p = partsIn(now, timeZone);
  if (kind === "day") {
    const start = startOfLocalDay(p.year, p.month, p.day, timeZone);
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
    const end = startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
    return { kind, start, end };
  }
  const start = startOfLocalDay(p.year, p.month, 1, timeZone);
  const nextMonth = p.month === 12 ? { year: p.year + 1, month: 1 } : { year: p.year, month: p.month + 1 };
  return { kind, start, end: startOfLocalDay(nextMonth.year, nextMonth.month, 1, timeZone) };
}
