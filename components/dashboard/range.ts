import { rangeQuerySchema, type RangePreset } from "@/lib/dashboard/contract";

/** The date range of a dashboard as it sits in the URL (`?range=7d`, `?range=custom&from=…&to=…`) and in query keys. */
export interface RangeSelection {
  preset: RangePreset;
  from?: string;
  to?: string;
}

/** The server's default when the URL names no range (lib/dashboard/contract.ts). */
export const DEFAULT_RANGE: RangeSelection = { preset: "30d" };

export const PRESET_LABELS: Record<RangePreset, string> = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  this_month: "This month",
  last_month: "Last month",
  custom: "Custom",
};

/** The range named by the URL, and why it cannot be used when it is malformed (then nothing is fetched). */
export function parseRange(params: { get(name: string): string | null }): { range: RangeSelection; error: string | null } {
  const raw = { range: params.get("range") ?? undefined, from: params.get("from") ?? undefined, to: params.get("to") ?? undefined };
  const parsed = rangeQuerySchema.safeParse(raw);
  if (parsed.success) {
    const { range: preset, from, to } = parsed.data;
    return { range: preset === "custom" ? { preset, from, to } : { preset }, error: null };
  }
  const message = parsed.error.issues[0]?.message ?? "This date range is not valid.";
  // Keep a custom range the person typed so the inputs show it; anything else falls back to the default.
  if (raw.range === "custom") return { range: { preset: "custom", from: raw.from, to: raw.to }, error: message };
  return { range: DEFAULT_RANGE, error: raw.range === undefined ? null : message };
}

/** The range as API query parameters: "range=7d" or "range=custom&from=…&to=…". */
export function rangeParams(range: RangeSelection): URLSearchParams {
  const params = new URLSearchParams({ range: range.preset });
  if (range.preset === "custom") {
    if (range.from) params.set("from", range.from);
    if (range.to) params.set("to", range.to);
  }
  return params;
}

/** A stable string for query keys. */
export function rangeKey(range: RangeSelection): string {
  return rangeParams(range).toString();
}
