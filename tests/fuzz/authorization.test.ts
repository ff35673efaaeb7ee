import { randomUUID } from "node:crypto";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertAssistant } from "@/db/queries/assistants";
import { createConversation, insertMessage, updateConversation } from "@/db/queries/conversations";
import { upsertProviderKey } from "@/db/queries/provider-keys";
import { upsertBudget } from "@/db/queries/settings";
import { notifications, users } from "@/db/schema";
import { saveWebhook, webhookDelivery } from "@/lib/alerts/webhooks";
import { registerWithPassword } from "@/lib/auth/accounts";
import { ERROR_CODES } from "@/lib/errors";
import { recordSpend, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { checkAction, Recorder } from "./harness";
import { actionFiles, examplePath, HTTP_METHODS, ROOT, routeFiles, type ActionFile, type RouteFile } from "./inventory";
import { isMethodAnswer } from "@/lib/http/api-routes";

/**
 * The authorization matrix, generated from the same lists as the fuzz suites (every route handler under app/api, every
 * server action under app/): signed out → 401 / the "Sign in" error state; a member on admin routes and actions → 403 /
 * the admin error state; a member naming another user's ids (path, query, body, form fields) → 404 on id routes and
 * never a byte of the other user's data, and nothing of theirs changes.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "198.51.100.77" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type AnyAction = (...args: unknown[]) => Promise<unknown>;

/** Routes anyone may call. A new route without an access check fails the matrix until it is listed here on purpose. */
/** Public: health, the JSON 404 catch-all, and the benchmark pass-through (a 404 unless BENCH_PASSTHROUGH=1). */
const PUBLIC_ROUTES = ["/api/health", "/api/[[...path]]", "/api/bench/passthrough/chat/completions"];

const db = freshDatabasePerFile();
const ROUTES = routeFiles();
const ACTION_FILES = actionFiles();
const recorder = new Recorder();
const handlers: { route: RouteFile; method: string; handler: Handler }[] = [];
const actions: { file: ActionFile; name: string; fn: AnyAction }[] = [];

let admin: { id: string; email: string };
let alice: { id: string; email: string };
/** The other user, whose ids Alice tries. */
const bob = { id: "", email: "", conversationId: randomUUID(), assistantId: "", keyId: "", notificationId: "" };
let markers: string[];

const hasBody = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);

function request(route: RouteFile, method: string, query = "", body?: unknown): Request {
  return new Request(`http://localhost${examplePath(route.path)}${query ? `?${query}` : ""}`, {
    method,
    body: hasBody(method) ? JSON.stringify(body ?? {}) : null,
    headers: hasBody(method) ? { "content-type": "application/json" } : {},
  });
}

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

/** Every field the UI sends, valid, with every id naming Bob's things. */
function formNamingBob(): Record<string, string> {
  return {
    email: bob.email,
    password: "password-123",
    currentPassword: "password-123",
    newPassword: "password-456",
    name: "Mine now",
    callbackUrl: "/dashboard",
    provider: "openai",
    apiKey: "sk-test-authz-00000000",
    baseUrl: "http://127.0.0.1:9/v1",
    assistantId: bob.assistantId,
    systemPrompt: "Obey me.",
    preferredModel: "",
    delegateIds: bob.assistantId,
    monthlyUsd: "1",
    dailyUsd: "1",
    monthlyTokens: "1000",
    mode: "enforce",
    alertThresholds: "50",
    timeZone: "UTC",
    url: "http://127.0.0.1:9/stolen",
    modelId: "gpt-authz",
    input: "1",
    output: "2",
    note: "authz",
    allowUsers: "true",
    keyId: bob.keyId,
    model: "openai:gpt-4o-mini",
    role: "admin",
    userId: bob.id,
    id: bob.conversationId,
    conversationId: bob.conversationId,
    notificationId: bob.notificationId,
  };
}

/** Everything of Bob's in the database, to compare before and after Alice's attempts. */
async function snapshotOfBob(): Promise<string> {
  const handle = db.current().db;
  const out: Record<string, unknown> = {};
  for (const table of ["provider_keys", "user_settings", "budgets", "assistants", "conversations", "notifications", "alert_webhooks", "usage_events", "usage_daily", "budget_ledger"]) {
    const result = (await handle.execute(sql`select * from ${sql.identifier(table)} where user_id = ${bob.id}::uuid order by 1`)) as unknown as { rows: unknown[] };
    out[table] = result.rows;
  }
  const messages = (await handle.execute(sql`select * from messages where conversation_id = ${bob.conversationId}::uuid order by 1`)) as unknown as { rows: unknown[] };
  out.messages = messages.rows;
  const [row] = await handle.select().from(users).where(eq(users.id, bob.id));
  out.user = { ...row, lastSignInAt: undefined };
  return JSON.stringify(out);
}

beforeAll(async () => {
  vi.stubEnv("DEFAULT_MODEL", "");
  for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "OPENROUTER_API_KEY"]) vi.stubEnv(name, "");
  for (const name of ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GOOGLE_BASE_URL", "OPENROUTER_BASE_URL"]) vi.stubEnv(name, "http://127.0.0.1:9/v1");
  webhookDelivery.timeoutMs = 500;
  webhookDelivery.retryDelaysMs = [];
  const tag = randomUUID().slice(0, 8);
  admin = await registerWithPassword({ email: `authz-admin-${tag}@example.test`, password: "password-123" });
  alice = await registerWithPassword({ email: `authz-alice-${tag}@example.test`, password: "password-123" });
  const bobUser = await registerWithPassword({ email: `authz-bob-${tag}@example.test`, password: "password-123", name: `Bob ${tag}` });
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  for (const id of [alice.id, bobUser.id]) await db.current().db.update(users).set({ role: "user" }).where(eq(users.id, id));
  Object.assign(bob, { id: bobUser.id, email: bobUser.email });

  await createConversation({ id: bob.conversationId, userId: bob.id, model: null, assistantId: null });
  await updateConversation({ id: bob.conversationId, userId: bob.id, values: { title: `Bob's secret plan ${tag}` } });
  await insertMessage({ id: randomUUID(), conversationId: bob.conversationId, role: "user", parts: [{ type: "text", text: `bob-message-${tag}` }] });
  bob.assistantId = (await insertAssistant({ userId: bob.id, name: `BobBot${tag}`, systemPrompt: `bob-prompt-${tag}`, preferredModel: null, delegateIds: [] }))!.id;
  bob.keyId = (
    await upsertProviderKey({ userId: bob.id, provider: "openai", name: "openai", baseUrl: null, encryptedKey: null, keyLast4: "zq9x", status: "valid", statusMessage: null, models: null, lastVerifiedAt: null })
  ).id;
  const [note] = await db.current().db.insert(notifications).values({ userId: bob.id, kind: "budget", title: `bob-alert-${tag}`, body: "Bob's budget", dedupeKey: `bob-${tag}` }).returning();
  bob.notificationId = note!.id;
  await saveWebhook({ scope: bob.id, userId: bob.id, url: `https://hooks.example.test/bob-${tag}` });
  await upsertBudget({ userId: bob.id, source: "user", values: { monthlyCostLimitNano: 7_000_000_000, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [50] } });
  await recordSpend(bob.id, 1_234_567);
  markers = [bob.email, `Bob ${tag}`, `Bob's secret plan ${tag}`, `bob-message-${tag}`, `BobBot${tag}`, `bob-prompt-${tag}`, `bob-alert-${tag}`, `bob-${tag}`, "zq9x", bob.assistantId, bob.keyId, bob.notificationId];

  for (const route of ROUTES) {
    const exports = (await import(/* @vite-ignore */ path.join(ROOT, route.file))) as Record<string, unknown>;
    for (const method of HTTP_METHODS) if (typeof exports[method] === "function" && !isMethodAnswer(exports[method])) handlers.push({ route, method, handler: exports[method] as Handler });
  }
  for (const file of ACTION_FILES) {
    const exports = (await import(/* @vite-ignore */ path.join(ROOT, file.file))) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(exports)) if (typeof fn === "function") actions.push({ file, name, fn: fn as AnyAction });
  }
});

afterAll(() => {
  vi.unstubAllEnvs();
  session.current = null;
  console.log(`[authz] routes: ${handlers.length} handlers; actions: ${actions.length}; cases: ${recorder.cases}; 500s: ${recorder.serverErrors}; failures: ${recorder.failures.length}`);
});

const leaks = (text: string) => markers.filter((marker) => text.includes(marker));

describe("authorization matrix: routes", () => {
  it("answers 401 to a signed-out caller on every route but the public ones", async () => {
    for (const { route, method, handler } of handlers) {
      session.current = null;
      const label = `signed out ${method} ${route.path}`;
      if (PUBLIC_ROUTES.includes(route.path)) {
        await recorder.route(label, () => handler(request(route, method), { params: Promise.resolve({}) }));
        continue;
      }
      const result = await recorder.route(label, () => handler(request(route, method), { params: Promise.resolve({ id: bob.conversationId }) }), { status: 401 });
      const error = (result.body as { error?: { code?: string; type?: string } } | undefined)?.error;
      // API-token routes answer in their API's format: invalid_token (OpenAI and ours) or authentication_error (Anthropic).
      const code = route.access === "token" ? (error?.code ?? error?.type) : error?.code;
      const expected = route.access === "token" ? ["invalid_token", "authentication_error"] : ["unauthorized", "session_ended"];
      if (result.status === 401 && !expected.includes(code ?? "")) recorder.fail(label, `code ${code}`);
    }
    expect(handlers.filter((h) => !PUBLIC_ROUTES.includes(h.route.path)).every((h) => h.route.access !== "public")).toBe(true);
    expect(recorder.failures).toEqual([]);
  });

  it("answers 403 admin_required to a member on every admin route", async () => {
    const adminHandlers = handlers.filter((h) => h.route.path.startsWith("/api/admin/"));
    expect(adminHandlers.length).toBeGreaterThanOrEqual(10);
    for (const { route, method, handler } of adminHandlers) {
      signIn(alice);
      const label = `member ${method} ${route.path}`;
      const result = await recorder.route(label, () => handler(request(route, method, `userId=${bob.id}`), { params: Promise.resolve({ id: bob.id }) }), { status: 403 });
      const code = (result.body as { error?: { code?: string } } | undefined)?.error?.code;
      if (code !== "admin_required") recorder.fail(label, `code ${code}`);
      if (route.access !== "admin") recorder.fail(label, "an /api/admin route not wrapped as route(\"admin\")");
    }
    expect(recorder.failures).toEqual([]);
  });

  it("never shows or changes another user's things, whatever ids a member sends (404 on id routes)", async () => {
    const before = await snapshotOfBob();
    const query = `userId=${bob.id}&id=${bob.conversationId}&assistantId=${bob.assistantId}&conversationId=${bob.conversationId}&range=30d`;
    const bodies = [
      { id: bob.conversationId, title: "stolen" },
      { id: bob.notificationId },
      { id: bob.conversationId, message: { id: "m-1", role: "user", parts: [{ type: "text", text: "hi" }] }, model: "openai:gpt-4o-mini", assistantId: bob.assistantId },
      { id: randomUUID(), message: { id: "m-2", role: "user", parts: [{ type: "text", text: "hi" }] }, model: "openai:gpt-4o-mini", assistantId: bob.assistantId },
      { trigger: "regenerate-message", id: bob.conversationId },
    ];
    let idRoutes = 0;
    for (const { route, method, handler } of handlers) {
      if (route.path.startsWith("/api/admin/") || PUBLIC_ROUTES.includes(route.path)) continue;
      for (const body of hasBody(method) ? bodies : [undefined]) {
        signIn(alice);
        const label = `member ${method} ${route.path} naming the other user's ids${body ? ` ${JSON.stringify(body).slice(0, 60)}` : ""}`;
        let text = "";
        const result = await recorder.route(label, async () => {
          const response = await handler(request(route, method, query, body), { params: Promise.resolve({ id: bob.conversationId }) });
          text = await response.clone().text();
          return response;
        });
        const leaked = leaks(text);
        if (leaked.length > 0) recorder.fail(label, `shows the other user's ${leaked.join(", ")}`);
        if (route.params.length > 0) {
          idRoutes++;
          if (result.status !== 404) recorder.fail(label, `status ${result.status}, expected 404`);
        }
      }
    }
    expect(idRoutes).toBeGreaterThan(0);
    expect(await snapshotOfBob()).toBe(before);
    expect(recorder.failures).toEqual([]);
  });

  it("lets an admin see the other user (so the matrix above would notice a leak)", async () => {
    signIn(admin);
    const list = handlers.find((h) => h.route.path === "/api/admin/users" && h.method === "GET")!;
    const response = await list.handler(request(list.route, "GET", `q=${encodeURIComponent(bob.email)}`), { params: Promise.resolve({}) });
    expect(leaks(await response.text())).toContain(bob.email);
  });
});

describe("authorization matrix: server actions", () => {
  const call = (action: (typeof actions)[number], data: FormData) => (action.fn.length >= 2 ? action.fn({}, data) : action.fn(data));

  it("refuses a signed-out caller with the sign-in error state on every action outside app/(auth)", async () => {
    const guarded = actions.filter((a) => !a.file.public);
    expect(guarded.length).toBeGreaterThanOrEqual(15);
    const before = await snapshotOfBob();
    for (const action of guarded) {
      session.current = null;
      const label = `signed out ${action.file.file} ${action.name}`;
      const state = (await checkAction(recorder, label, () => call(action, form(formNamingBob())))) as { error?: string; ok?: boolean } | undefined;
      if (state?.ok || !/sign in/i.test(state?.error ?? "")) recorder.fail(label, `state ${JSON.stringify(state)}`);
    }
    expect(await snapshotOfBob()).toBe(before);
    expect(recorder.failures).toEqual([]);
  });

  it("refuses a member with the admin error state on every admin action", async () => {
    const adminActions = actions.filter((a) => a.file.admin);
    expect(adminActions.length).toBeGreaterThanOrEqual(8);
    const before = await snapshotOfBob();
    for (const action of adminActions) {
      signIn(alice);
      const label = `member ${action.file.file} ${action.name}`;
      const state = (await checkAction(recorder, label, () => call(action, form(formNamingBob())))) as { error?: string; ok?: boolean } | undefined;
      if (state?.ok || state?.error !== ERROR_CODES.admin_required.message) recorder.fail(label, `state ${JSON.stringify(state)}`);
    }
    expect(await snapshotOfBob()).toBe(before);
    expect(recorder.failures).toEqual([]);
  });

  it("never shows or changes another user's things through a member's actions that name their ids", async () => {
    const memberActions = actions.filter((a) => !a.file.admin && !a.file.public);
    const before = await snapshotOfBob();
    for (const action of memberActions) {
      signIn(alice);
      const label = `member ${action.file.file} ${action.name} naming the other user's ids`;
      const state = await checkAction(recorder, label, () => call(action, form(formNamingBob())));
      // The form's own values are echoed back to refill it; anything else of Bob's is a leak.
      const { values, ...rest } = (state ?? {}) as { values?: Record<string, string> };
      const sent = formNamingBob();
      const extra = Object.entries(values ?? {}).filter(([name, value]) => sent[name] !== value);
      const real = leaks(JSON.stringify([rest, extra]));
      if (real.length > 0) recorder.fail(label, `shows the other user's ${real.join(", ")}`);
    }
    expect(await snapshotOfBob()).toBe(before);
    expect(recorder.failures).toEqual([]);
  });
});
