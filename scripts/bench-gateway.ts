/**
 * `npm run bench:gateway` — what the gateway adds: one `next start` (started with BENCH_PASSTHROUGH=1) on a fresh
 * embedded database, or with BENCH_DATABASE_URL on a fresh PostgreSQL database `spendboard_bench_gateway`, and the fake
 * upstream in-process (or with BENCH_UPSTREAM=process in a process of its own). Three paths, JSON and streaming:
 *   (a) the fake upstream directly;
 *   (b) a bare pass-through route in the same server (no token, no metering, no database);
 *   (c) /api/v1/chat/completions with an API token and an enforced budget.
 * c=1 (BENCH_REQUESTS each, p50/p99; streaming: time to first byte) and c=BENCH_CONCURRENCY (default 32) for
 * BENCH_SECONDS (default 6, taken in BENCH_ROUNDS turns of the three paths): requests per second, with our server's
 * CPU time per request (from /proc; robust to a noisy machine). BENCH_KINDS=json or =stream measures one kind only;
 * BENCH_PATHS=c (or b,c…) some paths only (to profile one).
 * Needs `npm run build` first.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/client";
import { upsertBudget } from "@/db/queries/settings";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { registerWithPassword } from "@/lib/auth/accounts";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { percentile, runOnServer, startBenchUpstream, startNextServer } from "./bench-support";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
/** Turns the paths take at c=CONCURRENCY (each path gets SECONDS in all). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 6));
const WARMUP = 20;
/** Which answers to measure: "json", "stream" or both (comma-separated). */
const KINDS = (process.env.BENCH_KINDS ?? "json,stream").split(",").map((kind) => kind.trim()).filter((kind) => kind === "json" || kind === "stream");
const PORT = Number(process.env.BENCH_PORT ?? 3210);
const SERVER_URL = process.env.BENCH_DATABASE_URL?.trim();
const PG_DB = "spendboard_bench_gateway";
const pgUrl = SERVER_URL ? Object.assign(new URL(SERVER_URL), { pathname: `/${PG_DB}` }).toString() : "";
if (SERVER_URL) {
  await runOnServer(SERVER_URL, `drop database if exists ${PG_DB} with (force)`);
  await runOnServer(SERVER_URL, `create database ${PG_DB}`);
}

const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(9);
const dir = await mkdtemp(path.join(os.tmpdir(), "spendboard-bench-gateway-"));
const fake = await startBenchUpstream(Number(process.env.BENCH_UPSTREAM_PORT ?? 3211));
const env = {
  ...process.env,
  NODE_ENV: "production" as const,
  NEXT_TELEMETRY_DISABLED: "1",
  SPENDBOARD_DATA_DIR: dir,
  PGLITE_DIR: path.join(dir, "pglite"),
  DATABASE_URL: pgUrl,
  AUTH_SECRET: randomBytes(32).toString("base64"),
  AUTH_URL: `http://127.0.0.1:${PORT}`,
  KEY_ENCRYPTION_KEYS: randomBytes(32).toString("base64"),
  OPENAI_BASE_URL: fake.baseUrls.openai,
  BENCH_PASSTHROUGH: "1",
};
Object.assign(process.env, env);

const handle = await openDatabase(SERVER_URL ? { kind: "postgres", url: pgUrl } : { kind: "pglite", dir: env.PGLITE_DIR });
await migrateDatabase(handle);
installDatabase(handle);
const user = await registerWithPassword({ email: `bench-${randomUUID()}@example.test`, password: "bench-password-1" });
await saveProviderKey(user.id, { provider: "openai", apiKey: "sk-test-bench-0000" } as Parameters<typeof saveProviderKey>[1]);
await upsertBudget({
  userId: user.id,
  source: "user",
  values: { monthlyCostLimitNano: 1_000_000 * 1e9, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
});
const { token } = await createApiToken(user, { name: "bench", scopes: ["gateway"], expiresOn: null, defaultFeature: "bench", monthlyUsd: null });
uninstallDatabase();
await handle.close();

const { base, stop, cpuMs } = await startNextServer(PORT, env);
const prompt = "Hello [[reply:Metering adds a reservation before the call and a write after it.]]";
const allPaths = {
  "(a) upstream directly": { url: `${fake.baseUrls.openai}/chat/completions`, auth: "Bearer sk-test-bench-0000", model: "gpt-4o-mini" },
  "(b) bare pass-through": { url: `${base}/api/bench/passthrough/chat/completions`, auth: "Bearer sk-test-bench-0000", model: "gpt-4o-mini" },
  "(c) gateway, token + budget": { url: `${base}/api/v1/chat/completions`, auth: `Bearer ${token}`, model: "openai:gpt-4o-mini" },
};
type Target = (typeof allPaths)[keyof typeof allPaths];
/** BENCH_PATHS=c (or a,c…) measures some paths only, e.g. to profile one; the comparison line needs all three. */
const only = process.env.BENCH_PATHS?.split(",").map((p) => `(${p.trim()})`);
const paths = Object.fromEntries(Object.entries(allPaths).filter(([label]) => !only || only.some((p) => label.startsWith(p)))) as Partial<typeof allPaths>;

/** One request; streaming: the time to the first byte of the body, then drained. */
async function once(target: Target, stream: boolean): Promise<number> {
  const started = performance.now();
  const response = await fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: target.auth },
    body: JSON.stringify({ model: target.model, stream, messages: [{ role: "user", content: prompt }] }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  let first: number | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first === null && value.length > 0) first = performance.now() - started;
  }
  return stream ? first! : performance.now() - started;
}

async function latency(target: Target, stream: boolean) {
  for (let i = 0; i < WARMUP; i++) await once(target, stream);
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) samples.push(await once(target, stream));
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Requests done at c=CONCURRENCY for `seconds`, and our server's CPU time meanwhile (ms). */
async function load(target: Target, stream: boolean, seconds: number): Promise<{ done: number; cpu: number }> {
  const until = performance.now() + seconds * 1000;
  const cpuBefore = cpuMs();
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await once(target, stream);
        done++;
      }
    }),
  );
  return { done, cpu: cpuMs() - cpuBefore };
}

/**
 * Requests per second of each path at c=CONCURRENCY, and our server's CPU per request: the paths take turns in
 * ROUNDS slices of SECONDS/ROUNDS each, so that a machine that slows down or speeds up meanwhile (other virtual
 * machines on the host) weighs on every path alike and the ratios hold.
 */
async function throughputs(stream: boolean): Promise<Record<string, { rps: number; cpu: number }>> {
  const totals = Object.fromEntries(Object.keys(paths).map((label) => [label, { done: 0, cpu: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, target] of Object.entries(paths)) {
      const { done, cpu } = await load(target, stream, SECONDS / ROUNDS);
      totals[label]!.done += done;
      totals[label]!.cpu += cpu;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([label, t]) => [label, { rps: t.done / SECONDS, cpu: t.cpu / t.done }]));
}

try {
  console.log(`bench:gateway — ${SERVER_URL ? "PostgreSQL" : "embedded PGlite"}, the fake upstream ${fake.where}; c=1: ${REQUESTS} requests after ${WARMUP} warm-up; c=${CONCURRENCY}: ${SECONDS} s per path, in ${ROUNDS} turns`);
  for (const stream of KINDS.map((kind) => kind === "stream")) {
    const rows: Record<string, { p50: number; p99: number; rps: number; cpu: number }> = {};
    const latencies: Record<string, { p50: number; p99: number }> = {};
    for (const [label, target] of Object.entries(paths)) latencies[label] = await latency(target, stream);
    const rates = await throughputs(stream);
    for (const label of Object.keys(paths)) {
      const { p50, p99 } = latencies[label]!;
      rows[label] = { p50, p99, ...rates[label]! };
      const cpu = label.startsWith("(a)") ? "" : `  (our server's CPU ${rows[label].cpu.toFixed(2)} ms per request)`;
      console.log(`${stream ? "stream (TTFB)" : "JSON         "} ${label.padEnd(30)} p50 ${ms(p50)}  p99 ${ms(p99)}  c=${CONCURRENCY} ${rows[label].rps.toFixed(0).padStart(5)} req/s${cpu}`);
    }
    const a = rows["(a) upstream directly"];
    const b = rows["(b) bare pass-through"];
    const c = rows["(c) gateway, token + budget"];
    if (a && b && c) console.log(`${stream ? "stream" : "JSON  "}: gateway adds p50 +${(c.p50 - a.p50).toFixed(1)} ms over the upstream (pass-through +${(b.p50 - a.p50).toFixed(1)} ms); c=${CONCURRENCY} throughput ${(c.rps / b.rps).toFixed(2)}× the pass-through's`);
  }
} finally {
  await stop();
  await fake.close();
  await new Promise((r) => setTimeout(r, 500));
  await rm(dir, { recursive: true, force: true });
  if (SERVER_URL) await runOnServer(SERVER_URL, `drop database if exists ${PG_DB} with (force)`);
}
