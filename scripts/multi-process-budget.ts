/**
 * `npm run check:multi-process` — budgets hold across server processes. Takes an existing production build
 * (NEXT_DIST_DIR, default `.next`), creates a fresh database on the PostgreSQL server at PG_TEST_URL (or
 * TEST_DATABASE_URL; default postgres://postgres@127.0.0.1:5432/postgres), migrates it, starts the fake LLM upstream
 * and TWO `next start` processes on that database, signs a user in over HTTP (Auth.js credentials), sets a monthly
 * budget that fits about ten answers and fires 60 parallel chats split across both servers. Then checks:
 *   - zero overshoot: the ledger's spend and the sum of the usage events are both within the limit;
 *   - a refused request (429) costs no upstream call: chat events == 200 answers, upstream calls == usage events;
 *   - every upstream call has exactly one usage event, and the ledger equals the sum of the events, nothing held.
 * Then the gateway: a second user with an API token (scope gateway) and a budget that fits ten answers sends 200
 * parallel `/api/v1/chat/completions` requests, half to each server, with the same checks (zero overshoot, a 429 costs
 * no upstream call, one usage event per upstream call, nothing held) — its usage goes through each server's usage
 * queue (group commits). Then the same with a budget that fits 120 answers, where each process serves most calls from
 * a budget lease.
 * Prints the figures, drops its database, exits non-zero on failure. Ports: MULTI_PROCESS_PORT and the next one
 * (default 3310, 3311).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/client";
import { setDefaultModel, upsertBudget } from "@/db/queries/settings";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { registerWithPassword } from "@/lib/auth/accounts";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { startFakeLlm } from "@/tools/fake-llm/server";
import { runOnServer, startNextServer } from "./bench-support";

const CHATS = 60;
const GATEWAY_REQUESTS = 200;
const ANSWERS_THAT_FIT = 10;
/** The third case's budget: room for many answers, so that calls are served from budget leases until near the end. */
const LEASED_ANSWERS = 120;
const MAX_OUTPUT_TOKENS = 1000;
const PORT = Number(process.env.MULTI_PROCESS_PORT ?? 3310);
const SERVER_URL = (process.env.PG_TEST_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres").trim();
const DIST_DIR = process.env.NEXT_DIST_DIR?.trim() || ".next";
const DB_NAME = `spendboard_multiproc_${randomBytes(4).toString("hex")}`;
const dbUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${DB_NAME}` }).toString();
/** Each answer reports 10 input and 1,000 output tokens (the most it may produce) on gpt-4o-mini: 601,500 nano-USD. */
const REPLY = `Go [[reply:Done.]] [[usage:prompt=10,completion=${MAX_OUTPUT_TOKENS}]]`;
const PER_ANSWER_NANO = 10 * 150 + MAX_OUTPUT_TOKENS * 600;
const LIMIT_NANO = ANSWERS_THAT_FIT * PER_ANSWER_NANO;

if (!existsSync(path.join(DIST_DIR, "BUILD_ID"))) {
  console.error(`No production build in ${DIST_DIR}: run \`next build\` first (NEXT_DIST_DIR picks the directory).`);
  process.exit(2);
}

/** Signs in through Auth.js's credentials endpoint, as the login form does; returns the session cookie. */
async function signInOverHttp(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: base },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/chat` }),
  });
  const session = response.headers.getSetCookie().find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  if (!session) throw new Error(`sign-in over HTTP failed: ${response.status} ${response.headers.get("location") ?? ""}`);
  return session.split(";")[0]!;
}

interface Figures {
  answered: number;
  refused: number;
  other: number[];
  upstreamCalls: number;
  events: number;
  /** Events of the feature the requests were made for (chat: not the titles). */
  chatEvents: number;
  eventSum: number;
  ledgerSpent: number;
  ledgerReserved: number;
  openReservations: number;
}

async function readFigures(client: pg.Client, userId: string, feature = "chat"): Promise<Omit<Figures, "answered" | "refused" | "other" | "upstreamCalls">> {
  const events = await client.query<{ n: string; chat: string; sum: string }>(
    `select count(*) as n, count(*) filter (where feature = $2) as chat, coalesce(sum(cost_nano), 0) as sum from usage_events where user_id = $1`,
    [userId, feature],
  );
  const ledger = await client.query<{ spent: string; reserved: string }>(
    `select coalesce(sum(spent_nano), 0) as spent, coalesce(sum(reserved_nano), 0) as reserved from budget_ledger where user_id = $1 and period_kind = 'month'`,
    [userId],
  );
  const open = await client.query<{ n: string }>(`select count(*) as n from budget_reservations where user_id = $1 and closed_at is null`, [userId]);
  return {
    events: Number(events.rows[0]!.n),
    chatEvents: Number(events.rows[0]!.chat),
    eventSum: Number(events.rows[0]!.sum),
    ledgerSpent: Number(ledger.rows[0]!.spent),
    ledgerReserved: Number(ledger.rows[0]!.reserved),
    openReservations: Number(open.rows[0]!.n),
  };
}

await runOnServer(SERVER_URL, `create database ${DB_NAME}`);
const fake = await startFakeLlm();
const servers: { base: string; stop: () => Promise<void> }[] = [];
let failures: string[] = [];
try {
  const common = {
    ...process.env,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: DIST_DIR,
    DATABASE_URL: dbUrl,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    AUTH_TRUST_HOST: "true",
    KEY_ENCRYPTION_KEYS: randomBytes(32).toString("base64"),
    CHAT_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT_TOKENS),
    OPENAI_BASE_URL: fake.baseUrls.openai,
    ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    GOOGLE_BASE_URL: fake.baseUrls.google,
    OPENROUTER_BASE_URL: fake.baseUrls.openrouter,
    OPENAI_API_KEY: "",
    ANTHROPIC_API_KEY: "",
    GOOGLE_GENERATIVE_AI_API_KEY: "",
    OPENROUTER_API_KEY: "",
  };
  Object.assign(process.env, common);

  // The user, their key and budget, stored through the app's own code before the servers start.
  const handle = await openDatabase({ kind: "postgres", url: dbUrl });
  await migrateDatabase(handle);
  installDatabase(handle);
  const email = `multi-${randomUUID()}@example.test`;
  const password = "multi-process-1";
  const user = await registerWithPassword({ email, password });
  await saveProviderKey(user.id, { provider: "openai", apiKey: "sk-test-multi-0000" } as Parameters<typeof saveProviderKey>[1]);
  await setDefaultModel({ userId: user.id, defaultModel: "openai:gpt-4o-mini" });
  await upsertBudget({
    userId: user.id,
    source: "user",
    values: { monthlyCostLimitNano: LIMIT_NANO, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
  });
  const gatewayUser = await registerWithPassword({ email: `multi-gw-${randomUUID()}@example.test`, password });
  await saveProviderKey(gatewayUser.id, { provider: "openai", apiKey: "sk-test-multi-0001" } as Parameters<typeof saveProviderKey>[1]);
  await upsertBudget({
    userId: gatewayUser.id,
    source: "user",
    values: { monthlyCostLimitNano: LIMIT_NANO, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
  });
  const { token: apiToken } = await createApiToken(gatewayUser, { name: "multi-process", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: null });
  const leasedUser = await registerWithPassword({ email: `multi-lease-${randomUUID()}@example.test`, password });
  await saveProviderKey(leasedUser.id, { provider: "openai", apiKey: "sk-test-multi-0002" } as Parameters<typeof saveProviderKey>[1]);
  await upsertBudget({
    userId: leasedUser.id,
    source: "user",
    values: { monthlyCostLimitNano: LEASED_ANSWERS * PER_ANSWER_NANO, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50, 80, 100] },
  });
  const { token: leasedToken } = await createApiToken(leasedUser, { name: "multi-process-leased", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: null });
  uninstallDatabase();
  await handle.close();

  for (const port of [PORT, PORT + 1]) servers.push(await startNextServer(port, { ...common, AUTH_URL: `http://127.0.0.1:${port}` }));
  const cookie = await signInOverHttp(servers[0]!.base, email, password);
  for (const { base } of servers) {
    const me = await fetch(`${base}/api/me`, { headers: { cookie } });
    if (!me.ok) throw new Error(`${base}/api/me answered ${me.status} with the session from sign-in`);
  }

  const before = fake.requests.length;
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: CHATS }, async (_, i) => {
      const response = await fetch(`${servers[i % 2]!.base}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ id: randomUUID(), message: { id: randomUUID(), role: "user", parts: [{ type: "text", text: REPLY }] } }),
      });
      await response.text();
      return response.status;
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  // Usage is recorded after each response (and titles after that): wait until nothing is held and nothing changes.
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const settle = async (userId: string, since: number, feature: string) => {
    let figures = await readFigures(client, userId, feature);
    let upstreamCalls = 0;
    for (let i = 0, stable = 0; i < 120 && stable < 4; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const next = await readFigures(client, userId, feature);
      upstreamCalls = fake.requests.slice(since).filter((r) => r.method === "POST").length;
      const settled = next.openReservations === 0 && next.events === upstreamCalls && JSON.stringify(next) === JSON.stringify(figures);
      stable = settled ? stable + 1 : 0;
      figures = next;
    }
    return { figures, upstreamCalls };
  };
  const { figures, upstreamCalls } = await settle(user.id, before, "chat");

  const all: Figures = {
    answered: statuses.filter((s) => s === 200).length,
    refused: statuses.filter((s) => s === 429).length,
    other: statuses.filter((s) => s !== 200 && s !== 429),
    upstreamCalls,
    ...figures,
  };
  const pct = (v: number) => `${((v / LIMIT_NANO) * 100).toFixed(1)}%`;
  console.log(`check:multi-process — ${CHATS} parallel chats over 2 \`next start\` processes on one PostgreSQL database, in ${seconds.toFixed(1)} s`);
  console.log(`  budget ${LIMIT_NANO} nano-USD (fits ${ANSWERS_THAT_FIT} answers of ${PER_ANSWER_NANO}); ${all.answered} answered (200), ${all.refused} refused (429)${all.other.length ? `, other: ${all.other.join(", ")}` : ""}`);
  console.log(`  upstream calls ${all.upstreamCalls}; usage events ${all.events} (${all.chatEvents} chat, ${all.events - all.chatEvents} title)`);
  console.log(`  spent: ledger ${all.ledgerSpent} (${pct(all.ledgerSpent)}), events ${all.eventSum} (${pct(all.eventSum)}); overshoot ${Math.max(0, all.ledgerSpent - LIMIT_NANO, all.eventSum - LIMIT_NANO)} nano-USD`);
  console.log(`  still held: ${all.ledgerReserved} nano-USD in ${all.openReservations} open reservations`);

  failures = [
    all.other.length > 0 && `unexpected statuses: ${all.other.join(", ")}`,
    all.answered < 1 && "no request was answered",
    all.refused < 1 && "no request was refused: the budget did not bind",
    all.ledgerSpent > LIMIT_NANO && `ledger spend ${all.ledgerSpent} exceeds the limit ${LIMIT_NANO}`,
    all.eventSum > LIMIT_NANO && `events sum ${all.eventSum} exceeds the limit ${LIMIT_NANO}`,
    all.ledgerSpent !== all.eventSum && `ledger spend ${all.ledgerSpent} != sum of events ${all.eventSum}`,
    all.chatEvents !== all.answered && `chat events ${all.chatEvents} != answered requests ${all.answered} (a refused request reached the provider, or an answer was not recorded)`,
    all.events !== all.upstreamCalls && `usage events ${all.events} != upstream calls ${all.upstreamCalls}`,
    all.openReservations !== 0 && `${all.openReservations} reservations still open`,
    all.ledgerReserved !== 0 && `ledger still holds ${all.ledgerReserved} nano-USD`,
  ].filter((f): f is string => typeof f === "string");

  /** The gateway: 200 parallel requests with an API token, half to each server, against a budget of `fits` answers. */
  const gatewayCase = async (label: string, userId: string, token: string, fits: number): Promise<string[]> => {
    const limit = fits * PER_ANSWER_NANO;
    const gatewayBefore = fake.requests.length;
    const gatewayStarted = performance.now();
    const gatewayStatuses = await Promise.all(
      Array.from({ length: GATEWAY_REQUESTS }, async (_, i) => {
        const response = await fetch(`${servers[i % 2]!.base}/api/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ model: "openai:gpt-4o-mini", max_tokens: MAX_OUTPUT_TOKENS, messages: [{ role: "user", content: REPLY }] }),
        });
        await response.text();
        return response.status;
      }),
    );
    const gatewaySeconds = (performance.now() - gatewayStarted) / 1000;
    const settled = await settle(userId, gatewayBefore, "api");
    const gw: Figures = {
      answered: gatewayStatuses.filter((s) => s === 200).length,
      refused: gatewayStatuses.filter((s) => s === 429).length,
      other: gatewayStatuses.filter((s) => s !== 200 && s !== 429),
      upstreamCalls: settled.upstreamCalls,
      ...settled.figures,
    };
    const share = (v: number) => `${((v / limit) * 100).toFixed(1)}%`;
    console.log(`  ${label} — ${GATEWAY_REQUESTS} parallel /api/v1/chat/completions (API token) over the 2 processes, in ${gatewaySeconds.toFixed(1)} s`);
    console.log(`  budget ${limit} nano-USD (fits ${fits} answers); ${gw.answered} answered (200), ${gw.refused} refused (429)${gw.other.length ? `, other: ${gw.other.join(", ")}` : ""}`);
    console.log(`  upstream calls ${gw.upstreamCalls}; usage events ${gw.events}`);
    console.log(`  spent: ledger ${gw.ledgerSpent} (${share(gw.ledgerSpent)}), events ${gw.eventSum} (${share(gw.eventSum)}); overshoot ${Math.max(0, gw.ledgerSpent - limit, gw.eventSum - limit)} nano-USD`);
    console.log(`  still held: ${gw.ledgerReserved} nano-USD in ${gw.openReservations} open reservations`);
    return [
      gw.other.length > 0 && `${label}: unexpected statuses: ${gw.other.join(", ")}`,
      gw.answered < 1 && `${label}: no request was answered`,
      gw.refused < 1 && `${label}: no request was refused: the budget did not bind`,
      gw.ledgerSpent > limit && `${label}: ledger spend ${gw.ledgerSpent} exceeds the limit ${limit}`,
      gw.eventSum > limit && `${label}: events sum ${gw.eventSum} exceeds the limit ${limit}`,
      gw.ledgerSpent !== gw.eventSum && `${label}: ledger spend ${gw.ledgerSpent} != sum of events ${gw.eventSum}`,
      gw.events !== gw.answered && `${label}: usage events ${gw.events} != answered requests ${gw.answered} (a refused request reached the provider, or an answer was not recorded)`,
      gw.events !== gw.upstreamCalls && `${label}: usage events ${gw.events} != upstream calls ${gw.upstreamCalls}`,
      gw.openReservations !== 0 && `${label}: ${gw.openReservations} reservations still open`,
      gw.ledgerReserved !== 0 && `${label}: ledger still holds ${gw.ledgerReserved} nano-USD`,
    ].filter((f): f is string => typeof f === "string");
  };
  failures.push(...(await gatewayCase("gateway", gatewayUser.id, apiToken, ANSWERS_THAT_FIT)));
  // Room for many answers: each process serves most calls from a budget lease (lib/budgets/leases.ts).
  failures.push(...(await gatewayCase("gateway, leased", leasedUser.id, leasedToken, LEASED_ANSWERS)));
  await client.end();
} catch (error) {
  const cause = (error as { cause?: unknown }).cause;
  failures = [`crashed: ${(error as Error).stack ?? String(error)}${cause ? `\n    cause: ${String((cause as Error).stack ?? cause)}` : ""}`];
} finally {
  for (const server of servers) await server.stop().catch(() => undefined);
  await fake.close().catch(() => undefined);
  await runOnServer(SERVER_URL, `drop database if exists ${DB_NAME} with (force)`).catch((error: Error) => console.error(`could not drop ${DB_NAME}: ${error.message}`));
}

if (failures.length > 0) {
  console.error(`FAILED:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("OK (chat and gateway): no overshoot, refused requests cost no upstream call, one usage event per upstream call.");
