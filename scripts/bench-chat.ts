/**
 * `npm run bench:chat` — what metering costs: time to first token (TTFT) of a streamed answer through our
 * /api/chat route (auth, budget reservation, model resolution, metering middleware, UI stream) versus the fake
 * upstream directly, c=1, BENCH_REQUESTS (default 200) requests each, p50/p99. Needs `npm run build` first.
 * Runs `next start` on a fresh embedded database in a temporary directory — or, with BENCH_DATABASE_URL (a PostgreSQL
 * server URL), on a fresh database `spendboard_bench_chat` created there and dropped at the end. The fake upstream
 * runs in-process, or with BENCH_UPSTREAM=process in a process of its own (scripts/bench-support.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/client";
import { createSession } from "@/db/queries/sessions";
import { setDefaultModel, upsertBudget } from "@/db/queries/settings";
import { registerWithPassword } from "@/lib/auth/accounts";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { percentile, runOnServer, startBenchUpstream, sessionCookie, startNextServer } from "./bench-support";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 10;
/** Pause between requests (a person reads the answer before writing again); 0 = back to back. */
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 0);
/** A monthly budget for the bench user (USD), so every call reserves and settles against it; empty = none. */
const BUDGET_USD = process.env.BENCH_BUDGET_USD ?? "1000";
/** Turns per conversation: 1 = every turn opens a new conversation (whose title is then generated, a second call). */
const TURNS = Math.max(1, Number(process.env.BENCH_TURNS ?? 1));
const PORT = Number(process.env.BENCH_PORT ?? 3200);
const REPLY = "[[reply:Metering adds a reservation before the call and a write after it; this answer is short.]]";

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** Server-Timing phases of the routed requests (ms), by name, in order of first appearance. */
const phases = new Map<string, number[]>();
function notePhases(response: Response): void {
  for (const entry of (response.headers.get("server-timing") ?? "").split(",")) {
    const [name, dur] = entry.trim().split(";dur=");
    if (!name || dur === undefined) continue;
    if (!phases.has(name)) phases.set(name, []);
    phases.get(name)!.push(Number(dur));
  }
}

/** When the routed responses' headers arrived (ms after their request started). */
const headersAt: number[] = [];

/** Reads a streamed response until `isFirst(text so far)` holds; returns the TTFT and drains the rest. */
async function ttft(response: Response, started: number, isFirst: (text: string) => boolean): Promise<number> {
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let first: number | null = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (first === null && isFirst(text)) first = performance.now() - started;
  }
  if (first === null) throw new Error(`no content in the stream: ${text.slice(0, 300)}`);
  return first;
}

const SERVER_URL = process.env.BENCH_DATABASE_URL?.trim();
const PG_DB = "spendboard_bench_chat";
const onServer = (sqlText: string) => runOnServer(SERVER_URL!, sqlText);
const pgUrl = SERVER_URL ? Object.assign(new URL(SERVER_URL), { pathname: `/${PG_DB}` }).toString() : "";
if (SERVER_URL) {
  await onServer(`drop database if exists ${PG_DB} with (force)`);
  await onServer(`create database ${PG_DB}`);
}

const dir = await mkdtemp(path.join(os.tmpdir(), "spendboard-bench-chat-"));
const fake = await startBenchUpstream(Number(process.env.BENCH_UPSTREAM_PORT ?? 3201));
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
};
Object.assign(process.env, env);

// Seed a user with an OpenAI key (checked against the fake) before the server opens the database.
const handle = await openDatabase(SERVER_URL ? { kind: "postgres", url: pgUrl } : { kind: "pglite", dir: env.PGLITE_DIR });
await migrateDatabase(handle);
installDatabase(handle);
const user = await registerWithPassword({ email: `bench-${randomUUID()}@example.test`, password: "bench-password-1" });
await saveProviderKey(user.id, { provider: "openai", apiKey: "sk-test-bench-0000" } as Parameters<typeof saveProviderKey>[1]);
await setDefaultModel({ userId: user.id, defaultModel: "openai:gpt-4o-mini" });
// With a budget every call takes the reservation path (a locked ledger transaction before the call).
if (BUDGET_USD) {
  await upsertBudget({
    userId: user.id,
    source: "user",
    values: { monthlyCostLimitNano: Number(BUDGET_USD) * 1e9, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
  });
}
const session = await createSession({ userId: user.id, now: new Date(), expiresAt: new Date(Date.now() + 30 * 86_400_000) });
uninstallDatabase();
await handle.close();

const { base, stop, cpuMs } = await startNextServer(PORT, env);
try {
  const cookie = await sessionCookie({ userId: user.id, role: user.role, sessionId: session!.id, sessionVersion: session!.sessionVersion }, env.AUTH_SECRET);
  const me = await fetch(`${base}/api/me`, { headers: { cookie } });
  if (!me.ok) throw new Error(`the bench user cannot sign in: /api/me answered ${me.status} ${await me.text()}`);

  const direct = async () => {
    const started = performance.now();
    const response = await fetch(`${fake.baseUrls.openai}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test-bench-0000" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: `Hello ${REPLY}` }] }),
    });
    return ttft(response, started, (text) => text.includes('"content":"'));
  };
  let conversationId = randomUUID();
  let turn = 0;
  const viaRoute = async () => {
    if (turn++ % TURNS === 0) conversationId = randomUUID();
    const started = performance.now();
    const response = await fetch(`${base}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ id: conversationId, message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: `Hello ${REPLY}` }] } }),
    });
    headersAt.push(performance.now() - started);
    notePhases(response);
    return ttft(response, started, (text) => text.includes('"type":"text-delta"'));
  };

  if (process.env.BENCH_PROBE) {
    const probe = async (label: string, url: string, init?: RequestInit) => {
      const t: number[] = [];
      for (let i = 0; i < 30; i++) {
        const s0 = performance.now();
        await (await fetch(url, init)).text();
        t.push(performance.now() - s0);
      }
      console.log(`${label.padEnd(26)} p50 ${ms(percentile(t, 50))}`);
    };
    await probe("GET /api/health", `${base}/api/health`);
    await probe("GET /api/me (auth)", `${base}/api/me`, { headers: { cookie } });
    await probe("GET /api/conversations", `${base}/api/conversations`, { headers: { cookie } });
  }
  const run = async (label: string, fn: () => Promise<number>) => {
    for (let i = 0; i < WARMUP; i++) await fn();
    const samples: number[] = [];
    const started = performance.now();
    const cpuBefore = cpuMs();
    for (let i = 0; i < REQUESTS; i++) {
      samples.push(await fn());
      if (GAP_MS > 0) await new Promise((r) => setTimeout(r, GAP_MS));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = (cpuMs() - cpuBefore) / REQUESTS;
    console.log(
      `${label.padEnd(26)} TTFT p50 ${ms(percentile(samples, 50)).padStart(9)}  p99 ${ms(percentile(samples, 99)).padStart(9)}  (${REQUESTS} requests in ${seconds.toFixed(1)} s; our server's CPU ${cpu.toFixed(1)} ms per request)`,
    );
    return samples;
  };
  console.log(`bench:chat — c=1, ${REQUESTS} requests each after ${WARMUP} warm-up, ${GAP_MS} ms between requests, ${BUDGET_USD ? `$${BUDGET_USD} monthly budget (enforced)` : "no budget"}, streamed answers, ${TURNS === 1 ? "each turn in a new conversation" : `${TURNS} turns per conversation`}, ${SERVER_URL ? "PostgreSQL" : "embedded PGlite"}, the fake upstream ${fake.where}`);
  const a = await run("fake upstream directly", direct);
  phases.clear();
  headersAt.length = 0;
  const b = await run("through /api/chat", viaRoute);
  if (phases.size > 0) {
    const sum = [...phases.values()].reduce((total, v) => total + percentile(v, 50), 0);
    console.log(`inside the route (Server-Timing, p50 of each phase): ${[...phases].map(([name, v]) => `${name} ${percentile(v, 50).toFixed(1)}`).join(" · ")} ms (sum ${sum.toFixed(1)} ms)`);
    console.log(`the response's headers reached the client after ${ms(percentile(headersAt, 50))} (p50): the rest is outside the route's phases (Next.js, the proxy, the network)`);
  }
  console.log(`metering + proxy overhead   p50 +${ms(percentile(b, 50) - percentile(a, 50))}, p99 +${ms(percentile(b, 99) - percentile(a, 99))}`);
} finally {
  await stop();
  await fake.close();
  await new Promise((r) => setTimeout(r, 500));
  await rm(dir, { recursive: true, force: true });
  if (SERVER_URL) await onServer(`drop database if exists ${PG_DB} with (force)`);
}
