import type { UsageEvent } from "@/db/schema";
import { nanoToUsdString } from "@/lib/money";

/**
 * A usage event as the dashboards show it, defined once: each field names the `usage_events` column it reads (a
 * property of the row type `UsageEvent`), its key in the recent-requests JSON (`/api/usage/recent`) and its column(s)
 * in the CSV export. The JSON event, the CSV header and every CSV line are all derived from this list, so a new field
 * appears in both or neither. The list's order is the CSV's column order (new fields go last: spreadsheets and
 * scripts read the export by position).
 *
 * No server-only imports: the UI imports the JSON type.
 */

/**
 * The event row plus what is joined to it for the dashboards: `team`, the name of the team its user is in now (null
 * for none), and `apiTokenName`, the name of the API token that made the call (null for chat; db/queries/usage-event-pages.ts
 * joins both). Joined fields are not `usage_events` columns.
 */
export type UsageEventSource = UsageEvent & { team: string | null; apiTokenName: string | null };
export const JOINED_EVENT_COLUMNS = ["team", "apiTokenName"] as const;

type Column = keyof UsageEventSource;
export type CsvCell = string | number | boolean | null;

interface CsvColumn<V> {
  header: string;
  /** The cell for the field's JSON value; the value itself when omitted. */
  cell?: (value: V) => CsvCell;
  /** Free text (names, model ids): a spreadsheet must not run it as a formula. */
  text?: boolean;
}

interface EventField<K extends string, C extends Column, V> {
  /** The key in the JSON event. */
  key: K;
  /** The `usage_events` column read. */
  column: C;
  /** The JSON value of the column's value. */
  value: (raw: UsageEventSource[C]) => V;
  csv: readonly CsvColumn<V>[];
}

function field<const K extends string, C extends Column, V = UsageEventSource[C]>(
  key: K,
  column: C,
  csv: string | readonly CsvColumn<V>[],
  value: (raw: UsageEventSource[C]) => V = (raw) => raw as unknown as V,
): EventField<K, C, V> {
  return { key, column, value, csv: typeof csv === "string" ? [{ header: csv }] : csv };
}

const text = (header: string) => [{ header, text: true }] as const;
const words = (list: string[] | null): string | null => (list?.length ? list.join(" ") : null);

/** nano-USD as a decimal USD string with all 9 decimals: 435000 → "0.000435000". */
export function nanoToUsdFixed(nano: number): string {
  const [whole, fraction = ""] = nanoToUsdString(nano).split(".");
  return `${whole}.${fraction.padEnd(9, "0")}`;
}

export const USAGE_EVENT_FIELDS = [
  field("createdAt", "createdAt", "created_at", (at) => at.toISOString()),
  field("id", "id", "id"),
  field("requestId", "requestId", text("request_id")),
  field("provider", "provider", text("provider")),
  field("model", "model", text("model")),
  field("feature", "feature", text("feature")),
  field("assistantId", "assistantId", "assistant_id"),
  field("conversationId", "conversationId", "conversation_id"),
  field("keySource", "keySource", "key_source"),
  field("status", "status", "status"),
  field("priced", "priced", "priced"),
  field("estimated", "estimated", "estimated"),
  field("costSource", "costSource", "cost_source"),
  // Token buckets, each token counted once: input without the cached parts; output includes reasoning.
  field("inputTokens", "inputNoCacheTokens", "input_no_cache_tokens"),
  field("cacheReadTokens", "cacheReadTokens", "cache_read_tokens"),
  field("cacheWriteTokens", "cacheWriteTokens", "cache_write_tokens"),
  field("outputTokens", "outputTokens", "output_tokens"),
  field("reasoningTokens", "reasoningTokens", "reasoning_tokens"),
  // Null when the model is unpriced (the cost is unknown, not zero).
  field("costNano", "costNano", [{ header: "cost_usd", cell: (nano) => (nano === null ? null : nanoToUsdFixed(nano)) }, { header: "cost_nano" }]),
  field("latencyMs", "latencyMs", "latency_ms"),
  field("ttftMs", "ttftMs", "ttft_ms"),
  // Bill lines beyond the token buckets.
  field("cacheWrite1hTokens", "cacheWrite1hTokens", "cache_write_1h_tokens"),
  field("audioInputTokens", "audioInputTokens", "audio_input_tokens"),
  field("audioOutputTokens", "audioOutputTokens", "audio_output_tokens"),
  // CSV: "web_search=2 web_fetch=1", one cell a spreadsheet keeps as text.
  field("serverToolRequests", "serverToolRequests", [
    { header: "server_tool_requests", text: true, cell: (tools) => (tools ? Object.entries(tools).map(([tool, n]) => `${tool}=${n}`).join(" ") : null) },
  ]),
  field("toolCostNano", "toolCostNano", "tool_cost_nano"),
  field("upstreamCostNano", "upstreamCostNano", "upstream_cost_nano"),
  field("estimatedParts", "estimatedParts", [{ header: "estimated_parts", text: true, cell: words }]),
  field("unpricedUsageFields", "unpricedUsageFields", [{ header: "unpriced_usage_fields", text: true, cell: words }]),
  field("source", "source", "source"),
  // The user's team as it is now (finance's one number per team), by name.
  field("team", "team", text("team")),
  // The API token that made the call (gateway, track), by its name as it is now.
  field("apiTokenName", "apiTokenName", text("api_token_name")),
] as const;

type Field = (typeof USAGE_EVENT_FIELDS)[number];

/** The `usage_events` columns (and joined fields) an event is read from. */
export type UsageEventColumn = Field["column"];
export const USAGE_EVENT_COLUMNS: readonly UsageEventColumn[] = [...new Set(USAGE_EVENT_FIELDS.map((f) => f.column))];
/** A `usage_events` row as the dashboards read it. */
export type UsageEventRow = Pick<UsageEventSource, UsageEventColumn>;

/** The wire shape of a usage event (the items of `/api/usage/recent`). */
export type UsageEventJson = { [F in Field as F["key"]]: ReturnType<F["value"]> };

export function toUsageEventJson(row: UsageEventRow): UsageEventJson {
  // Each field's value function takes its own column's type; the list as a whole cannot say so to the compiler.
  const entries = USAGE_EVENT_FIELDS.map((f) => [f.key, (f.value as (raw: unknown) => unknown)(row[f.column])]);
  return Object.fromEntries(entries) as UsageEventJson;
}

/** The CSV export's columns, in order. */
export const USAGE_EVENT_CSV_HEADERS: readonly string[] = USAGE_EVENT_FIELDS.flatMap((f) => f.csv.map((c) => c.header));

/** One event's CSV cells (in USAGE_EVENT_CSV_HEADERS order), rendered from its JSON shape. */
export function usageEventCsvCells(event: UsageEventJson): { value: CsvCell; text: boolean }[] {
  return USAGE_EVENT_FIELDS.flatMap((f) => {
    const value = event[f.key];
    return (f.csv as readonly CsvColumn<unknown>[]).map((c) => ({ value: c.cell ? c.cell(value) : (value as CsvCell), text: c.text ?? false }));
  });
}
