import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearApiTokenCache } from "@/lib/api-tokens/authenticate";
import { BAD_STRINGS, encodeQueryValue, fuzzJson, fuzzString, Recorder, sample } from "@/tests/fuzz/harness";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { getWith, postJson, userWithToken } from "./track-support";

/**
 * The token routes fuzzed WITH a valid token (the route fuzz suite calls them signed in, without one, so it only sees
 * their 401s): every field of an event replaced by hostile strings and wrong types, hostile bodies and random JSON,
 * hostile query values for the stats and the budget check. Never a 500, errors as JSON; for /api/track every event is
 * accounted for — accepted, duplicate or rejected — and nothing is polluted.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST: track } = await import("@/app/api/track/route");
const { GET: stats } = await import("@/app/api/usage/stats/route");
const { GET: check } = await import("@/app/api/budget/check/route");

freshDatabasePerFile();
const recorder = new Recorder();
let token = "";

beforeAll(async () => {
  clearApiTokenCache();
  token = (await userWithToken(["track", "read"])).token;
});

const TEMPLATE = () => ({
  event_id: "e",
  skill_id: "skill",
  tool_name: "Read",
  model_name: "gpt-4o-mini",
  provider: "openai",
  feature: "f",
  session_id: "s",
  ts: new Date().toISOString(),
  latency_ms: 10,
  input_tokens: 10,
  output_tokens: 5,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
  cost_usd: "0.001",
  status: "ok",
  metadata: { k: "v" },
});

async function post(label: string, body: string, events?: number) {
  const result = await recorder.route(label, () => track(postJson("/api/track", body, token)));
  if (result.status === 200 && events !== undefined) {
    const answer = result.body as { accepted: number; duplicates: number; rejected: unknown[] };
    if (answer.accepted + answer.duplicates + answer.rejected.length !== events) recorder.fail(label, `events not accounted for: ${JSON.stringify(answer).slice(0, 200)}`);
  }
  return result;
}

beforeEach(() => {
  recorder.failures = [];
});

describe("token routes fuzzed with a valid token", () => {
  it("POST /api/track: every field hostile or of the wrong type, alone and in a batch", { timeout: 120_000 }, async () => {
    const wrong: unknown[] = [42, -1, 1.5, 1e300, null, true, [], {}, "", "NaN"];
    for (const field of Object.keys(TEMPLATE())) {
      const values: [string, unknown][] = [...BAD_STRINGS.map(([label, v]): [string, unknown] => [label, v]), ...wrong.map((v): [string, unknown] => [JSON.stringify(v), v])];
      const batch = values.map(([, value]) => ({ ...TEMPLATE(), event_id: undefined, [field]: value }));
      await post(`${field}: batch of ${batch.length}`, JSON.stringify({ events: batch }), batch.length);
      for (const [label, value] of values.slice(0, 8)) await post(`${field} = <${label}>`, JSON.stringify({ ...TEMPLATE(), event_id: undefined, [field]: value }), 1);
    }
    expect(recorder.failures).toEqual([]);
  });

  it("POST /api/track: hostile bodies and random JSON", { timeout: 120_000 }, async () => {
    const fixed: [string, string][] = [
      ["malformed", "{nope"],
      ["null", "null"],
      ["number", "42"],
      ["string", '"x"'],
      ["empty array", "[]"],
      ["array of nulls", "[null, null]"],
      ["events null", '{"events": null}'],
      ["deep nesting", `{"events":[{"skill_id":"s","metadata":${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}]}`],
      ["prototype keys", '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"skill_id":"s"}'],
      ["NUL key", '{"skill\\u0000_id":"s"}'],
    ];
    for (const [label, body] of fixed) await post(label, body);
    for (const [i, value] of sample(fuzzJson, 40).entries()) {
      await post(`fast-check event ${i}`, JSON.stringify(value));
      await post(`fast-check batch ${i}`, JSON.stringify({ events: [value, TEMPLATE()] }), 2);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(recorder.failures).toEqual([]);
  });

  it("GET /api/usage/stats and /api/budget/check: hostile query values", { timeout: 60_000 }, async () => {
    const values: [string, string][] = [...BAD_STRINGS, ...sample(fuzzString, 10).map((v, i): [string, string] => [`fast-check ${i}`, v])];
    for (const [label, value] of values) {
      const q = encodeQueryValue(value);
      await recorder.route(`stats period=<${label}>`, () => stats(getWith(`/api/usage/stats?period=${q}`, token)));
      for (const name of ["model", "provider", "estimated_tokens", "max_output_tokens"]) {
        await recorder.route(`check ${name}=<${label}>`, () => check(getWith(`/api/budget/check?model=gpt-4o-mini&${name}=${q}`, token)));
      }
    }
    expect(recorder.failures).toEqual([]);
  });
});
