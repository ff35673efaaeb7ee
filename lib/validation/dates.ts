import { z } from "zod";

/**
 * Calendar days as users send them (YYYY-MM-DD), limited to what the app can represent and chart: the years 2000 to
 * 2100. Year 0000–0099 would be read as 1900–1999 by `Date.UTC`, and 9999-12-31 has no next day to end a range at.
 */
export const MIN_DAY = "2000-01-01";
export const MAX_DAY = "2100-12-31";
export const DAY_BOUNDS_TEXT = `dates from ${MIN_DAY} to ${MAX_DAY}`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/** The problem with a day string, or null when it is a real calendar day within the bounds. */
export function dayProblem(value: string): string | null {
  if (!DAY.test(value)) return "Dates look like 2026-11-24.";
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return `${value} is not a date.`;
  if (value < MIN_DAY || value > MAX_DAY) return `${value} is outside the dates this app can show: use ${DAY_BOUNDS_TEXT}.`;
  return null;
}

/** A day field: YYYY-MM-DD, a real date, within MIN_DAY..MAX_DAY. */
export function isoDay() {
  return z.string().superRefine((value, ctx) => {
    const problem = dayProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** Inclusive number of days from `from` to `to` (both valid days). */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY + 1;
}

/** The problem with a from..to range of valid days, or null. */
export function dayRangeProblem(from: string, to: string, maxDays: number): { field: "to"; message: string } | null {
  if (to < from) return { field: "to", message: "The end date is before the start date." };
  if (daysBetween(from, to) > maxDays) {
    return { field: "to", message: `A range can span at most ${maxDays} days, with ${DAY_BOUNDS_TEXT}.` };
  }
  return null;
}
