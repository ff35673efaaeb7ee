/**
 * `npm run bench:dashboard` — how fast the dashboards answer on a big usage table. Seeds a PostgreSQL database
 * (BENCH_DATABASE_URL, default the local server; a database `spendboard_bench` is created there and dropped at the
 * end) with 1,000,000 usage events over 90 days for 200 users, with their daily rollups, then times the dashboard's
 * and the admin page's API calls for a 30-day range through `next start` (p50 and p95 over repeated calls); then
 * grows the table to 5,000,000 events and times them again. Needs `npm run build` first.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDatabase, openDatabase } from "@/db/client";
import { percentile, runOnServer, sessionCookie, startNextServer } from "./bench-support";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_NAME = "spendboard_bench";
const PORT = Number(process.env.BENCH_PORT ?? 3210);
const USERS = 200;
const STEPS = (process.env.BENCH_EVENTS ?? "1000000,5000000").split(",").map(Number);
const CALLS = Number(process.env.BENCH_CALLS ?? 40);

const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
const benchUrl = withDb(SERVER_URL, DB_NAME);

const admin = (sqlText: string) => runOnServer(SERVER_URL, sqlText);

/** Models with their prices (nano-USD per MTok), so seeded costs are what the price book would say. */
const MODELS = [
  ["openai", "gpt-4o-mini", 150_000_000, 600_000_000],
  ["openai", "gpt-4.1", 2_000_000_000, 8_000_000_000],
  ["anthropic", "claude-sonnet-4-5", 3_000_000_000, 15_000_000_000],
  ["anthropic", "claude-haiku-4-5", 1_000_000_000, 5_000_000_000],
  ["google", "gemini-2.5-flash", 300_000_000, 2_500_000_000],
  ["openrouter", "openai/gpt-4o-mini", 150_000_000, 600_000_000],
  ["openai-compatible", "llama3.2", 0, 0],
] as const;

async function seedEvents(client: pg.Client, from: number, to: number) {
  const started = performance.now();
  // One INSERT … SELECT per million rows keeps memory flat.
  for (let lo = from; lo <= to; lo += 1_000_000) {
    const hi = Math.min(to, lo + 999_999);
    await client.query(`
      insert into usage_events (request_id, user_id, provider, model, feature, key_source, input_no_cache_tokens,
        cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano, priced, cost_source, estimated,
        status, latency_ms, ttft_ms, started_at, created_at)
      select 'bench-' || g, u.id, m.provider::provider_kind, m.model, f.feature, 'user',
             t.input, t.cached, 0, t.output, 0,
             case when m.model = 'llama3.2' then null else (t.input * m.price_in + t.cached * m.price_in / 10 + t.output * m.price_out + 500000) / 1000000 end,
             m.model <> 'llama3.2', case when m.model = 'llama3.2' then 'unpriced' else 'price_book' end::cost_source, false,
             case when g % 50 = 0 then 'error' when g % 40 = 0 then 'aborted' else 'ok' end::usage_status,
             400 + (g % 5000), 100 + (g % 900), d.ts - interval '2 seconds', d.ts
      from generate_series(${lo}::bigint, ${hi}::bigint) g
      join bench_users u on u.n = g % ${USERS}
      join bench_models m on m.n = (g / 7) % ${MODELS.length}
      join (values (0, 'chat'), (1, 'chat'), (2, 'chat'), (3, 'title'), (4, 'assistant:Researcher')) f(n, feature) on f.n = g % 5
      cross join lateral (select (100 + (g * 7919) % 8000)::bigint as input, ((g * 104729) % 2000)::bigint as cached,
                                 (20 + (g * 31) % 1500)::bigint as output) t
      cross join lateral (select now() - ((g * 2654435761) % (90 * 86400000::bigint)) * interval '1 millisecond' as ts) d`);
    process.stdout.write(`  seeded events up to ${hi.toLocaleString("en-US")} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
}

async function rebuildRollups(client: pg.Client) {
  await client.query("truncate usage_daily");
  await client.query(`
    insert into usage_daily (user_id, day, provider, model, feature, assistant_id, requests, error_requests, unpriced_requests,
      estimated_requests, input_no_cache_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_nano)
    select e.user_id, to_char(e.created_at at time zone coalesce(u.time_zone, 'UTC'), 'YYYY-MM-DD'), e.provider, e.model, e.feature,
           coalesce(e.assistant_id, '00000000-0000-0000-0000-000000000000'), count(*), count(*) filter (where e.status = 'error'),
           count(*) filter (where not e.priced), count(*) filter (where e.estimated), sum(e.input_no_cache_tokens),
           sum(e.cache_read_tokens), sum(e.cache_write_tokens), sum(e.output_tokens), sum(e.reasoning_tokens), coalesce(sum(e.cost_nano), 0)
    from usage_events e join users u on u.id = e.user_id
    group by 1, 2, 3, 4, 5, 6`);
  await client.query("analyze");
}

async function timeApis(label: string, cookies: { user: string; admin: string }) {
  const base = `http://127.0.0.1:${PORT}`;
  const calls: [string, string, "user" | "admin"][] = [
    ["dashboard summary", "/api/usage/summary?range=30d", "user"],
    ["dashboard timeseries", "/api/usage/timeseries?range=30d&groupBy=model", "user"],
    ["dashboard breakdown", "/api/usage/breakdown?range=30d&by=model", "user"],
    ["dashboard recent", "/api/usage/recent?range=30d&limit=50", "user"],
    ["admin users", "/api/admin/users?range=30d&sort=spend&dir=desc&page=1&pageSize=50", "admin"],
    ["admin summary", "/api/admin/usage/summary?range=30d", "admin"],
    ["admin timeseries by user", "/api/admin/usage/timeseries?range=30d&groupBy=user", "admin"],
    ["admin breakdown", "/api/admin/usage/breakdown?range=30d&by=model", "admin"],
  ];
  const results: Record<string, { p50: number; p95: number }> = {};
  console.log(`\n${label}`);
  for (const [name, url, who] of calls) {
    const samples: number[] = [];
    for (let i = 0; i < CALLS + 5; i++) {
      const t0 = performance.now();
      const response = await fetch(base + url, { headers: { cookie: cookies[who] } });
      await response.text();
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      if (i >= 5) samples.push(performance.now() - t0);
    }
    results[name] = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
    console.log(`  ${name.padEnd(26)} p50 ${results[name].p50.toFixed(1).padStart(6)} ms   p95 ${results[name].p95.toFixed(1).padStart(6)} ms`);
  }
  return results;
}

await admin(`drop database if exists ${DB_NAME} with (force)`);
await admin(`create database ${DB_NAME}`);
const handle = await openDatabase({ kind: "postgres", url: benchUrl });
await migrateDatabase(handle);
await handle.close();

const client = new pg.Client({ connectionString: benchUrl });
await client.connect();
const zones = ["UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata"];
await client.query(`create table bench_users (n int primary key, id uuid not null)`);
await client.query(`create table bench_models (n int primary key, provider text, model text, price_in bigint, price_out bigint)`);
for (const [i, [provider, model, pin, pout]] of MODELS.entries()) {
  await client.query(`insert into bench_models values ($1, $2, $3, $4, $5)`, [i, provider, model, pin, pout]);
}
const userIds: string[] = [];
for (let i = 0; i < USERS; i++) {
  const { rows } = await client.query(
    `insert into users (email, name, role, time_zone) values ($1, $2, $3, $4) returning id`,
    [`bench-${i}@example.test`, `Bench ${i}`, i === 0 ? "admin" : "user", zones[i % zones.length]],
  );
  userIds.push(rows[0].id);
  await client.query(`insert into bench_users values ($1, $2)`, [i, rows[0].id]);
  if (i % 2 === 0) {
    await client.query(`insert into budgets (user_id, source, monthly_cost_limit_nano, mode) values ($1, 'user', $2, 'enforce')`, [rows[0].id, 50_000_000_000]);
  }
}

const secret = randomBytes(32).toString("base64");
const env = {
  ...process.env,
  NODE_ENV: "production" as const,
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: benchUrl,
  AUTH_SECRET: secret,
  AUTH_URL: `http://127.0.0.1:${PORT}`,
  KEY_ENCRYPTION_KEYS: randomBytes(32).toString("base64"),
};
// The dashboard user: one with an average share of the events (every user has the same share here).
const cookieFor = async (userId: string, role: string) => {
  const { rows } = await client.query(`insert into user_sessions (user_id, expires_at) values ($1, now() + interval '30 days') returning id`, [userId]);
  return sessionCookie({ userId, role, sessionId: rows[0].id, sessionVersion: 0 }, secret);
};
const cookies = { user: await cookieFor(userIds[7]!, "user"), admin: await cookieFor(userIds[0]!, "admin") };

let seeded = 0;
try {
  for (const target of STEPS) {
    console.log(`\nseeding to ${target.toLocaleString("en-US")} events…`);
    await seedEvents(client, seeded + 1, target);
    seeded = target;
    const t0 = performance.now();
    await rebuildRollups(client);
    const { rows } = await client.query(`select (select count(*) from usage_events) as events, (select count(*) from usage_daily) as rollups`);
    console.log(`  rollups rebuilt in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${Number(rows[0].events).toLocaleString("en-US")} events, ${Number(rows[0].rollups).toLocaleString("en-US")} rollup rows`);

    const server = await startNextServer(PORT, env);
    try {
      await timeApis(`${target.toLocaleString("en-US")} events, 30-day range, ${CALLS} calls each (through next start, PostgreSQL)`, cookies);
    } finally {
      await server.stop();
    }
  }
} finally {
  await client.end();
  if (!process.env.BENCH_KEEP) await admin(`drop database if exists ${DB_NAME} with (force)`);
}
