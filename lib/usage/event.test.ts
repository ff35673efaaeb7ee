import { describe, expect, it } from "vitest";
import { usageEvents } from "@/db/schema";
import {
  JOINED_EVENT_COLUMNS,
  USAGE_EVENT_COLUMNS,
  USAGE_EVENT_CSV_HEADERS,
  USAGE_EVENT_FIELDS,
  nanoToUsdFixed,
  toUsageEventJson,
  usageEventCsvCells,
  type UsageEventRow,
} from "./event";

const row: UsageEventRow = {
  createdAt: new Date("2026-05-02T10:00:00.123Z"),
  id: "0b1e2c8e-1111-4111-8111-111111111111",
  requestId: "req-1:0",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  feature: "chat",
  assistantId: null,
  conversationId: "0b1e2c8e-2222-4222-8222-222222222222",
  keySource: "user",
  status: "ok",
  priced: true,
  estimated: true,
  costSource: "price_book",
  inputNoCacheTokens: 100,
  cacheReadTokens: 20,
  cacheWriteTokens: 30,
  outputTokens: 50,
  reasoningTokens: 5,
  costNano: 20_435_000,
  latencyMs: 900,
  ttftMs: null,
  cacheWrite1hTokens: 10,
  audioInputTokens: 0,
  audioOutputTokens: 0,
  serverToolRequests: { web_search: 2, web_fetch: 1 },
  toolCostNano: 20_000_000,
  upstreamCostNano: null,
  estimatedParts: ["output", "rate:tool:web_fetch"],
  unpricedUsageFields: null,
  source: "gateway",
  team: "=Research",
  apiTokenName: "nightly job",
};

describe("the usage event definition", () => {
  it("reads only real usage_events columns (and the joined team and token name), and every column it lists is read by a field", () => {
    const joined: readonly string[] = JOINED_EVENT_COLUMNS;
    for (const column of USAGE_EVENT_COLUMNS.filter((c) => !joined.includes(c))) {
      expect(usageEvents[column as Exclude<typeof column, (typeof JOINED_EVENT_COLUMNS)[number]>].name, column).toMatch(/^[a-z0-9_]+$/);
    }
    expect(new Set(USAGE_EVENT_COLUMNS)).toEqual(new Set(USAGE_EVENT_FIELDS.map((f) => f.column)));
  });

  it("puts every field in both the JSON event and the CSV, under unique names", () => {
    const json = toUsageEventJson(row);
    expect(Object.keys(json).sort()).toEqual(USAGE_EVENT_FIELDS.map((f) => f.key).sort());
    for (const f of USAGE_EVENT_FIELDS) expect(f.csv.length, f.key).toBeGreaterThan(0);
    expect(new Set(USAGE_EVENT_CSV_HEADERS).size).toBe(USAGE_EVENT_CSV_HEADERS.length);
    expect(usageEventCsvCells(json)).toHaveLength(USAGE_EVENT_CSV_HEADERS.length);
  });

  it("keeps the CSV's existing column order, new columns last", () => {
    expect(USAGE_EVENT_CSV_HEADERS).toEqual([
      "created_at",
      "id",
      "request_id",
      "provider",
      "model",
      "feature",
      "assistant_id",
      "conversation_id",
      "key_source",
      "status",
      "priced",
      "estimated",
      "cost_source",
      "input_no_cache_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
      "output_tokens",
      "reasoning_tokens",
      "cost_usd",
      "cost_nano",
      "latency_ms",
      "ttft_ms",
      "cache_write_1h_tokens",
      "audio_input_tokens",
      "audio_output_tokens",
      "server_tool_requests",
      "tool_cost_nano",
      "upstream_cost_nano",
      "estimated_parts",
      "unpriced_usage_fields",
      "source",
      "team",
      "api_token_name",
    ]);
  });

  it("renders a row as JSON values and as CSV cells of the same values", () => {
    const json = toUsageEventJson(row);
    expect(json).toMatchObject({
      createdAt: "2026-05-02T10:00:00.123Z",
      inputTokens: 100,
      costNano: 20_435_000,
      ttftMs: null,
      serverToolRequests: { web_search: 2, web_fetch: 1 },
      estimatedParts: ["output", "rate:tool:web_fetch"],
      source: "gateway",
    });
    const cells = Object.fromEntries(usageEventCsvCells(json).map((cell, i) => [USAGE_EVENT_CSV_HEADERS[i]!, cell.value]));
    expect(cells).toMatchObject({
      created_at: "2026-05-02T10:00:00.123Z",
      input_no_cache_tokens: 100,
      cost_usd: "0.020435000",
      cost_nano: 20_435_000,
      ttft_ms: null,
      server_tool_requests: "web_search=2 web_fetch=1",
      estimated_parts: "output rate:tool:web_fetch",
      unpriced_usage_fields: null,
      source: "gateway",
    });
    // Every field's JSON value is what its CSV cell(s) are made from.
    for (const f of USAGE_EVENT_FIELDS.filter((f) => f.csv.length === 1 && !("cell" in f.csv[0]!))) {
      expect(cells[f.csv[0]!.header], f.key).toEqual(json[f.key] as unknown);
    }
  });

  it("marks free text so the export can defuse formulas", () => {
    const text = usageEventCsvCells(toUsageEventJson(row)).flatMap((cell, i) => (cell.text ? [USAGE_EVENT_CSV_HEADERS[i]] : []));
    expect(text).toEqual(["request_id", "provider", "model", "feature", "server_tool_requests", "estimated_parts", "unpriced_usage_fields", "team", "api_token_name"]);
  });

  it("writes USD with all nine decimals", () => {
    expect(nanoToUsdFixed(435_000)).toBe("0.000435000");
    expect(nanoToUsdFixed(12_345_678_901)).toBe("12.345678901");
    expect(nanoToUsdFixed(2_000_000_000)).toBe("2.000000000");
    expect(nanoToUsdFixed(0)).toBe("0.000000000");
    expect(nanoToUsdFixed(-5)).toBe("-0.000000005");
  });
});
