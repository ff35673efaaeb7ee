import { addDays, isoDateInZone } from "@/lib/format";

/** The headings of the chat history, newest first. */
export const HISTORY_GROUPS = [
  { key: "today", label: "Today" },
  { key: "yesterday", label: "Yesterday" },
  { key: "previous7", label: "Previous 7 days" },
  { key: "older", label: "Older" },
] as const;

export type HistoryGroupKey = (typeof HISTORY_GROUPS)[number]["key"];

/**
 * Which heading a conversation last active at `at` goes under, by calendar days in `timeZone` (not by 24-hour steps,
 * so a 23- or 25-hour day around a DST change is still one day): today, yesterday, the rest of the last 7 days, older.
 * A time after `now` (a clock a little ahead) counts as today.
 */
export function historyGroupOf(at: Date, now: Date, timeZone: string): HistoryGroupKey {
  const day = isoDateInZone(at, timeZone);
  const today = isoDateInZone(now, timeZone);
  if (day >= today) return "today";
  if (day === addDays(today, -1)) return "yesterday";
  if (day >= addDays(today, -7)) return "previous7";
  return "older";
}

export interface HistoryGroup<T> {
  key: HistoryGroupKey;
  label: string;
  items: T[];
}

/** The items under their headings, in heading order, each keeping the items' own order; empty headings left out. */
export function groupHistory<T extends { updatedAt: string }>(items: T[], timeZone: string, now: Date = new Date()): HistoryGroup<T>[] {
  const byKey = new Map<HistoryGroupKey, T[]>();
  for (const item of items) {
    const key = historyGroupOf(new Date(item.updatedAt), now, timeZone);
    const list = byKey.get(key) ?? [];
    list.push(item);
    byKey.set(key, list);
  }
  return HISTORY_GROUPS.filter((g) => byKey.has(g.key)).map((g) => ({ key: g.key, label: g.label, items: byKey.get(g.key)! }));
}

/** The browser's time zone (the fallback when the user has not chosen one). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
