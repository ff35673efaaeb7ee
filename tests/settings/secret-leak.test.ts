import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { eq, sql } from "drizzle-orm";
import { isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToReadableStream } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import type { ActionState } from "@/lib/http/action";
import type { ModelGroup } from "@/lib/providers/model-catalog";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";
import { resolveServerTree } from "@/tests/support/render";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The issue's requirement: a provider key, once typed in, is never shown or sent back in plaintext — not in any
 * page, API answer, form-action result, database row or log line. A user stores known fake keys for every provider
 * through the real server actions (checked against the fake upstream); then everything the app can hand out is
 * collected — every settings tab and the admin pages rendered to HTML, every route handler under app/api answered
 * as that user (chat turns through each provider included, so the keys are decrypted and used), every action
 * result, a dump of every table and all console output — and none of it may contain a key. The keys page must show
 * each key's last 4 characters, so the search is known to look at the right text.
 */

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string } } }));
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth(session));
// Outside a Next.js request there is no incremental cache to revalidate.
// Client components read the router while rendering; outside Next.js there is none, so give them an inert one.
vi.mock("next/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/navigation")>()),
  useRouter: () => ({ push: () => undefined, replace: () => undefined, refresh: () => undefined, prefetch: () => undefined, back: () => undefined, forward: () => undefined }),
  usePathname: () => "/admin",
  useSearchParams: () => new URLSearchParams(),
}));

const actions = await import("@/app/(app)/settings/actions");
const db = freshDatabasePerFile();
let fake: FakeLlm;

/** Ids shared between the steps of the scenario (the tests below run in order, in one file). */
const state = { adminId: "", userId: "" };
/** Everything collected, by where it came from. */
const collected: { where: string; text: string }[] = [];
const collect = (where: string, value: unknown) => collected.push({ where, text: typeof value === "string" ? value : serialise(value) });
/** The keys page HTML, for the positive check. */
let keysPageHtml = "";

/** All console output while the scenario runs, formatted as Node prints it (errors with stack and cause). */
const consoleLines: string[] = [];
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

// Unique per run, obviously fake, and each with a distinct last 4 the keys page must show.
const tail = () => randomBytes(12).toString("hex");
const KEYS = {
  openaiFirst: `sk-test-leakcheck-openai-old-${tail()}-Lk0a`,
  openai: `sk-test-leakcheck-openai-${tail()}-Lk1b`,
  anthropic: `sk-test-leakcheck-anthropic-${tail()}-Lk2c`,
  google: `sk-test-leakcheck-google-${tail()}-Lk3d`,
  openrouter: `sk-test-leakcheck-openrouter-${tail()}-Lk4e`,
  compat: `sk-test-leakcheck-compat-${tail()}-Lk5f`,
  compatDeleted: `sk-test-leakcheck-compat-deleted-${tail()}-Lk6g`,
  rejectedOpenai: `sk-test-invalid-leakcheck-openai-${tail()}-Lk7h`,
  rejectedAnthropic: `sk-test-invalid-leakcheck-anthropic-${tail()}-Lk8i`,
  rejectedGoogle: `sk-test-invalid-leakcheck-google-${tail()}-Lk9j`,
  rejectedOpenrouter: `sk-test-invalid-leakcheck-openrouter-${tail()}-LkAk`,
  /** The deployment's own key (server env), shown to admins only as "set". */
  system: `sk-test-leakcheck-system-${tail()}-LkBl`,
};
/** The keys that end up stored (and listed on the keys page). */
const STORED = [KEYS.openai, KEYS.anthropic, KEYS.google, KEYS.openrouter, KEYS.compat];

/**
 * JSON with what JSON.stringify would drop or choke on made visible: React elements as { type, key, props } (props
 * whole, as the RSC payload carries them), functions and symbols by name, Errors with stack and cause, repeated
 * objects as "[seen]".
 */
function serialise(value: unknown): string {
  const seen = new WeakSet<object>();
  const plain = (v: unknown): unknown => {
    if (typeof v === "function") return `[function ${v.name}]`;
    if (typeof v === "symbol" || typeof v === "bigint") return v.toString();
    if (v instanceof Error) return inspect(v, { depth: 10 });
    if (!v || typeof v !== "object") return v;
    if (seen.has(v)) return "[seen]";
    seen.add(v);
    if (isValidElement(v)) {
      const type = v.type as unknown;
      const name = typeof type === "string" ? type : typeof type === "function" ? type.name : String((type as { displayName?: string })?.displayName ?? typeof type);
      return { element: name, key: v.key, props: plain(v.props) };
    }
    if (Array.isArray(v)) return v.map(plain);
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, plain(inner)]));
  };
  return JSON.stringify(plain(value));
}

/** Every form a leaked key could take: as typed, without its last 4, its random middle alone, and base64/url-encoded. */
function leakForms(key: string): string[] {
  const middle = key.match(/[0-9a-f]{24}/)![0];
  return [key, key.slice(0, -4), middle, Buffer.from(key).toString("base64"), Buffer.from(key).toString("base64url"), encodeURIComponent(key)];
}

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}
type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
async function runAction(label: string, action: Action, values: Record<string, string>): Promise<ActionState> {
  const state = await action({}, form(values));
  collect(`action ${label}`, state);
  return state;
}

/**
 * Renders a server component tree to HTML with react-dom/server, as Next.js renders a page for its first load.
 * Async server components are awaited first (Next.js runs them in its RSC renderer; react-dom/server only renders
 * client and plain components), then the whole tree — client components with their props — goes through Fizz.
 * The resolved element tree is also serialised with every prop: props are exactly what the RSC payload carries to
 * the browser, including those a client component receives but does not render.
 */
async function renderPage(label: string, page: Promise<ReactNode> | ReactNode): Promise<string> {
  const tree = await resolveServerTree(await page);
  collect(`${label} (element tree and props)`, tree);
  const stream = await renderToReadableStream(tree as ReactElement, { onError: (error) => void consoleLines.push(`render error: ${inspect(error)}`) });
  await stream.allReady;
  const html = await new Response(stream).text();
  collect(`${label} (HTML)`, html);
  return html;
}

type RouteHandler = (request: Request, context?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

async function callRoute(
  label: string,
  handler: RouteHandler,
  init: { method?: string; url: string; body?: unknown; params?: Record<string, string>; headers?: Record<string, string> },
) {
  const request = new Request(`http://localhost${init.url}`, {
    method: init.method ?? "GET",
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const response = await handler(request, { params: Promise.resolve(init.params ?? {}) });
  const text = await response.text();
  collect(`route ${label} → ${response.status}`, `${serialise([...response.headers])}\n${text}`);
  return { status: response.status, text, json: () => JSON.parse(text) as unknown };
}

/**
 * Every route handler file under app/api and how it is exercised. A new route file fails the coverage check below
 * until it is added here: a leak test that silently skips new endpoints would prove nothing about them.
 */
const ROUTE_FILES_EXCLUDED: Record<string, string> = {
  // Auth.js's own handler (sign-in, callbacks, session). It never reads provider keys, and this test replaces the
  // Auth.js module with a stub session, so there is no handler to call.
  "app/api/auth/[...nextauth]/route.ts": "Auth.js handler",
  // The JSON 404 for unknown /api paths: answers the same fixed error to everyone and reads nothing.
  "app/api/[[...path]]/route.ts": "JSON 404 fallback",
  // The benchmark's bare pass-through: a 404 unless the server runs with BENCH_PASSTHROUGH=1; reads no stored key.
  "app/api/bench/passthrough/chat/completions/route.ts": "benchmark pass-through",
};
const ROUTE_FILES_CALLED = [
  "app/api/admin/audit/route.ts",
  "app/api/admin/usage/breakdown/route.ts",
  "app/api/admin/usage/summary/route.ts",
  "app/api/admin/usage/timeseries/route.ts",
  "app/api/admin/usage/unpriced/route.ts",
  "app/api/admin/users/[id]/usage/breakdown/route.ts",
  "app/api/admin/users/[id]/usage/export/route.ts",
  "app/api/admin/users/[id]/usage/recent/route.ts",
  "app/api/admin/users/[id]/usage/skills/route.ts",
  "app/api/admin/users/[id]/usage/summary/route.ts",
  "app/api/admin/users/[id]/usage/timeseries/route.ts",
  "app/api/admin/users/route.ts",
  "app/api/anthropic/v1/messages/count_tokens/route.ts",
  "app/api/anthropic/v1/messages/route.ts",
  "app/api/assistants/route.ts",
  "app/api/budget/check/route.ts",
  "app/api/chat/route.ts",
  "app/api/conversations/[id]/route.ts",
  "app/api/conversations/route.ts",
  "app/api/health/route.ts",
  "app/api/me/route.ts",
  "app/api/models/route.ts",
  "app/api/notifications/read/route.ts",
  "app/api/notifications/route.ts",
  "app/api/track/route.ts",
  "app/api/usage/breakdown/route.ts",
  "app/api/usage/export/route.ts",
  "app/api/usage/recent/route.ts",
  "app/api/usage/skills/route.ts",
  "app/api/usage/stats/route.ts",
  "app/api/usage/summary/route.ts",
  "app/api/usage/timeseries/route.ts",
  "app/api/v1/chat/completions/route.ts",
  "app/api/v1/embeddings/route.ts",
  "app/api/v1/models/route.ts",
];

function routeFilesOnDisk(): string[] {
  const root = path.resolve(import.meta.dirname, "../..");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name === "route.ts" || entry.name === "route.tsx") found.push(relative);
    }
  };
  walk("app/api");
  return found.sort();
}

beforeAll(async () => {
  fake = await startFakeLlm();
  vi.stubEnv("OPENAI_BASE_URL", fake.baseUrls.openai);
  vi.stubEnv("ANTHROPIC_BASE_URL", fake.baseUrls.anthropic);
  vi.stubEnv("GOOGLE_BASE_URL", fake.baseUrls.google);
  vi.stubEnv("OPENROUTER_BASE_URL", fake.baseUrls.openrouter);
  for (const name of ["OPENAI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "OPENROUTER_API_KEY", "DEFAULT_MODEL"]) vi.stubEnv(name, "");
  vi.stubEnv("ANTHROPIC_API_KEY", KEYS.system);
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(`${method}: ${args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 10 }))).join(" ")}`);
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await fake.close();
});

describe("plaintext provider keys never leak", () => {
  it("every route handler file under app/api is exercised by this test (or excluded with a reason)", () => {
    expect(routeFilesOnDisk()).toEqual([...ROUTE_FILES_CALLED, ...Object.keys(ROUTE_FILES_EXCLUDED)].sort());
  });

  it("stores a key for every provider through the real server actions (replacing, deleting, refusing some)", async () => {
    // The first account is the admin; the key holder is an ordinary user.
    const admin = await registerWithPassword({ email: `leak-admin-${randomUUID()}@example.test`, password: "password-123" });
    expect(admin.role).toBe("admin");
    const user = await registerWithPassword({ email: `leak-user-${randomUUID()}@example.test`, password: "password-123" });
    state.adminId = admin.id;
    state.userId = user.id;
    session.current = { user: { id: user.id } };

    // Refused keys: each provider's rejection (Google's is a 400 API_KEY_INVALID) comes back as a field error.
    for (const [provider, apiKey] of [
      ["openai", KEYS.rejectedOpenai],
      ["anthropic", KEYS.rejectedAnthropic],
      ["google", KEYS.rejectedGoogle],
      ["openrouter", KEYS.rejectedOpenrouter],
    ] as const) {
      const refused = await runAction(`save rejected ${provider} key`, actions.saveKeyAction, { provider, apiKey });
      expect(refused.fieldErrors?.apiKey?.[0], provider).toMatch(/rejected this key/);
    }

    // A key replaced by another.
    expect(await runAction("save first openai key", actions.saveKeyAction, { provider: "openai", apiKey: KEYS.openaiFirst })).toMatchObject({ ok: true });
    for (const provider of ["openai", "anthropic", "google", "openrouter"] as const) {
      const saved = await runAction(`save ${provider} key`, actions.saveKeyAction, { provider, apiKey: KEYS[provider] });
      expect(saved, provider).toMatchObject({ ok: true, values: { check: "valid" } });
    }
    const compat = await runAction("save compatible endpoint", actions.saveKeyAction, {
      provider: "openai-compatible",
      name: "Local Ollama",
      baseUrl: fake.baseUrls.compat,
      apiKey: KEYS.compat,
    });
    expect(compat).toMatchObject({ ok: true, values: { check: "valid" } });

    // A key added, then deleted.
    await runAction("save endpoint to delete", actions.saveKeyAction, {
      provider: "openai-compatible",
      name: "Short-lived endpoint",
      baseUrl: fake.baseUrls.compat,
      apiKey: KEYS.compatDeleted,
    });
    const rows = await db.current().db.execute(sql`select id, name from provider_keys where user_id = ${user.id}`);
    const doomed = (rows as unknown as { rows: { id: string; name: string }[] }).rows.find((r) => r.name === "Short-lived endpoint")!;
    expect(await runAction("delete endpoint", actions.deleteKeyAction, { keyId: doomed.id })).toMatchObject({ ok: true });

    expect(await runAction("set default model", actions.setDefaultModelAction, { model: "openai:gpt-4o-mini" })).toMatchObject({ ok: true });
    const budget = { monthlyUsd: "20", dailyUsd: "", monthlyTokens: "", mode: "enforce", alertThresholds: "50, 80, 100", timeZone: "UTC" };
    expect(await runAction("save budget", actions.saveBudgetAction, budget)).toMatchObject({ ok: true });
  });

  it("renders every settings tab and the admin pages", async () => {
    const { default: SettingsPage } = await import("@/app/(app)/settings/page");
    // In the app, the (app) layout gives every page its TanStack Query client.
    const { QueryProvider } = await import("@/components/providers/query-provider");
    const { createElement } = await import("react");
    session.current = { user: { id: state.userId } };
    for (const tab of ["keys", "models", "budget", "account"]) {
      // Inside the query provider, as the (app) layout renders it (the key form refreshes the model list on save).
      const page = await SettingsPage({ params: Promise.resolve({}), searchParams: Promise.resolve({ tab }) });
      const html = await renderPage(`settings page, tab ${tab}`, createElement(QueryProvider, null, page));
      expect(html, tab).toContain("Settings");
      if (tab === "keys") keysPageHtml = html;
    }

    session.current = { user: { id: state.adminId } };
    const { default: AdminModelsPage } = await import("@/app/(app)/admin/models/page");
    const { default: AdminPage } = await import("@/app/(app)/admin/page");
    expect(await renderPage("admin models page", AdminModelsPage({ params: Promise.resolve({}), searchParams: Promise.resolve({}) }))).toContain("Models and prices");
    expect(await renderPage("admin users page", createElement(QueryProvider, null, await AdminPage()))).toContain("Users");
  });

  it("answers every route handler as that user (chat turns through each provider included)", async () => {
    session.current = { user: { id: state.userId } };
    const me = await import("@/app/api/me/route");
    const models = await import("@/app/api/models/route");
    const assistants = await import("@/app/api/assistants/route");
    const notifications = await import("@/app/api/notifications/route");
    const notificationsRead = await import("@/app/api/notifications/read/route");
    const chat = await import("@/app/api/chat/route");
    const conversations = await import("@/app/api/conversations/route");
    const conversation = await import("@/app/api/conversations/[id]/route");
    const health = await import("@/app/api/health/route");
    const adminUsers = await import("@/app/api/admin/users/route");
    const adminAudit = await import("@/app/api/admin/audit/route");

    expect((await callRoute("GET /api/me", me.GET, { url: "/api/me" })).status).toBe(200);
    const modelList = await callRoute("GET /api/models", models.GET, { url: "/api/models" });
    expect(modelList.status).toBe(200);
    expect((await callRoute("GET /api/assistants", assistants.GET, { url: "/api/assistants" })).status).toBe(200);
    expect((await callRoute("GET /api/health", health.GET, { url: "/api/health" })).status).toBe(200);

    // One chat turn per model group the user has (every provider whose key is stored), so every key is decrypted
    // and sent upstream; then one whose upstream fails, for the error paths.
    const { groups } = modelList.json() as { groups: ModelGroup[] };
    const refs = groups.map((g) => g.models[0]?.ref).filter((ref): ref is string => typeof ref === "string");
    expect(refs.length).toBeGreaterThanOrEqual(5);
    const conversationIds: string[] = [];
    for (const [index, model] of [...refs, refs[0]!].entries()) {
      const failing = index === refs.length;
      const id = randomUUID();
      conversationIds.push(id);
      const text = failing ? "Break, please. [[status:500]]" : "Hello there. [[reply:Hi back.]]";
      const call = await callRoute(`POST /api/chat (${model}${failing ? ", upstream 500" : ""})`, chat.POST, {
        method: "POST",
        url: "/api/chat",
        body: { id, model, message: { id: randomUUID(), role: "user", parts: [{ type: "text", text }] } },
      });
      if (!failing) expect(call.status, model).toBe(200);
    }
    // The gateway forwards the stored keys as they are: every model group once through its API (streamed and not),
    // one failing upstream, the model list and Anthropic's token count.
    const { createApiToken } = await import("@/lib/api-tokens/tokens");
    const { getUserById } = await import("@/db/queries/users");
    const { token } = await createApiToken((await getUserById({ id: state.userId }))!, { name: "leak check", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: null });
    const bearer = { authorization: `Bearer ${token}` };
    const openaiGateway = await import("@/app/api/v1/chat/completions/route");
    const anthropicGateway = await import("@/app/api/anthropic/v1/messages/route");
    const countTokens = await import("@/app/api/anthropic/v1/messages/count_tokens/route");
    const gatewayModels = await import("@/app/api/v1/models/route");
    expect((await callRoute("GET /api/v1/models", gatewayModels.GET, { url: "/api/v1/models", headers: bearer })).status).toBe(200);
    const embeddings = await import("@/app/api/v1/embeddings/route");
    for (const model of refs.filter((ref) => ref.startsWith("openai:") || ref.startsWith("openai-compatible:"))) {
      await callRoute(`POST /api/v1/embeddings (${model})`, embeddings.POST, { method: "POST", url: "/api/v1/embeddings", body: { model, input: ["a", "b"] }, headers: bearer });
    }
    for (const model of refs) {
      for (const stream of [false, true]) {
        const failing = stream && model === refs[0];
        const content = failing ? "Break [[status:500]]" : "Hello [[reply:Hi back.]]";
        if (model.startsWith("anthropic:")) {
          const body = { model, max_tokens: 50, stream, messages: [{ role: "user", content }] };
          const answer = await callRoute(`POST /api/anthropic/v1/messages (${model}, stream ${stream})`, anthropicGateway.POST, { method: "POST", url: "/api/anthropic/v1/messages", body, headers: { "x-api-key": token } });
          expect(answer.status, model).toBe(failing ? 500 : 200);
          await callRoute(`POST /api/anthropic/v1/messages/count_tokens (${model})`, countTokens.POST, { method: "POST", url: "/api/anthropic/v1/messages/count_tokens", body, headers: { "x-api-key": token } });
        } else {
          const body = { model, stream, messages: [{ role: "user", content }] };
          const answer = await callRoute(`POST /api/v1/chat/completions (${model}, stream ${stream})`, openaiGateway.POST, { method: "POST", url: "/api/v1/chat/completions", body, headers: bearer });
          // Gemini models are translated (lib/gateway/openai-translate.ts): an upstream failure is a 502, not its 500.
          expect(answer.status, model).toBe(failing ? (model.startsWith("google:") ? 502 : 500) : 200);
        }
      }
    }
    // Ingestion and the read API: a tracked event, the budget check and the stats.
    const { token: trackToken } = await createApiToken((await getUserById({ id: state.userId }))!, { name: "leak check track", scopes: ["track", "read"], expiresOn: null, defaultFeature: null, monthlyUsd: null });
    const track = await import("@/app/api/track/route");
    const budgetCheck = await import("@/app/api/budget/check/route");
    const stats = await import("@/app/api/usage/stats/route");
    const tracked = await callRoute("POST /api/track", track.POST, { method: "POST", url: "/api/track", body: { model_name: "openai:gpt-4o-mini", input_tokens: 10, output_tokens: 2, event_id: randomUUID() }, headers: { authorization: `Bearer ${trackToken}` } });
    expect(tracked.status).toBe(200);
    expect((await callRoute("GET /api/budget/check", budgetCheck.GET, { url: "/api/budget/check?model=openai:gpt-4o-mini&estimated_tokens=100" })).status).toBe(200);
    expect((await callRoute("GET /api/usage/stats", stats.GET, { url: "/api/usage/stats?period=month", headers: { authorization: `Bearer ${trackToken}` } })).status).toBe(200);
    const { waitForBackgroundWork } = await import("@/lib/usage/background");
    await waitForBackgroundWork();
    expect((await callRoute("GET /api/notifications", notifications.GET, { url: "/api/notifications" })).status).toBe(200);
    expect((await callRoute("POST /api/notifications/read", notificationsRead.POST, { method: "POST", url: "/api/notifications/read", body: {} })).status).toBe(200);

    expect((await callRoute("GET /api/conversations", conversations.GET, { url: "/api/conversations" })).status).toBe(200);
    const first = conversationIds[0]!;
    expect((await callRoute("GET /api/conversations/[id]", conversation.GET, { url: `/api/conversations/${first}`, params: { id: first } })).status).toBe(200);
    expect(
      (await callRoute("PATCH /api/conversations/[id]", conversation.PATCH, { method: "PATCH", url: `/api/conversations/${first}`, body: { title: "Renamed" }, params: { id: first } })).status,
    ).toBe(200);
    const last = conversationIds.at(-1)!;
    expect((await callRoute("DELETE /api/conversations/[id]", conversation.DELETE, { method: "DELETE", url: `/api/conversations/${last}`, params: { id: last } })).status).toBe(204);

    // The usage dashboards, after the chat turns so there is usage to show.
    const usageRoutes = {
      summary: await import("@/app/api/usage/summary/route"),
      timeseries: await import("@/app/api/usage/timeseries/route"),
      breakdown: await import("@/app/api/usage/breakdown/route"),
      recent: await import("@/app/api/usage/recent/route"),
      export: await import("@/app/api/usage/export/route"),
      skills: await import("@/app/api/usage/skills/route"),
    };
    for (const [name, mod] of Object.entries(usageRoutes)) {
      expect((await callRoute(`GET /api/usage/${name}`, mod.GET, { url: `/api/usage/${name}?range=7d` })).status, name).toBe(200);
    }

    session.current = { user: { id: state.adminId } };
    expect((await callRoute("GET /api/admin/users", adminUsers.GET, { url: "/api/admin/users" })).status).toBe(200);
    const adminUsageRoutes = {
      summary: await import("@/app/api/admin/usage/summary/route"),
      timeseries: await import("@/app/api/admin/usage/timeseries/route"),
      breakdown: await import("@/app/api/admin/usage/breakdown/route"),
      unpriced: await import("@/app/api/admin/usage/unpriced/route"),
    };
    for (const [name, mod] of Object.entries(adminUsageRoutes)) {
      expect((await callRoute(`GET /api/admin/usage/${name}`, mod.GET, { url: `/api/admin/usage/${name}?range=7d` })).status, name).toBe(200);
    }
    const adminUserUsageRoutes = {
      summary: await import("@/app/api/admin/users/[id]/usage/summary/route"),
      timeseries: await import("@/app/api/admin/users/[id]/usage/timeseries/route"),
      breakdown: await import("@/app/api/admin/users/[id]/usage/breakdown/route"),
      recent: await import("@/app/api/admin/users/[id]/usage/recent/route"),
      export: await import("@/app/api/admin/users/[id]/usage/export/route"),
      skills: await import("@/app/api/admin/users/[id]/usage/skills/route"),
    };
    for (const [name, mod] of Object.entries(adminUserUsageRoutes)) {
      const url = `/api/admin/users/${state.userId}/usage/${name}?range=7d`;
      expect((await callRoute(`GET /api/admin/users/[id]/usage/${name}`, mod.GET, { url, params: { id: state.userId } })).status, name).toBe(200);
    }
    expect((await callRoute("GET /api/admin/audit", adminAudit.GET, { url: "/api/admin/audit" })).status).toBe(200);
  });

  it("dumps every table of the database", async () => {
    const tables = await db.current().db.execute(
      sql`select table_schema, table_name from information_schema.tables where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1, 2`,
    );
    const names = (tables as unknown as { rows: { table_schema: string; table_name: string }[] }).rows;
    expect(names.map((n) => n.table_name)).toEqual(expect.arrayContaining(["users", "provider_keys", "messages", "usage_events"]));
    for (const { table_schema: schema, table_name: name } of names) {
      const dump = await db.current().db.execute(sql.raw(`select t::text as row from "${schema}"."${name}" t`));
      collect(`table ${schema}.${name}`, (dump as unknown as { rows: { row: string }[] }).rows.map((r) => r.row).join("\n"));
    }
    // The stored keys are there, encrypted: one row per provider for the key holder.
    const [holder] = await db.current().db.select().from(users).where(eq(users.id, state.userId));
    expect(holder).toBeDefined();
    const stored = await db.current().db.execute(sql`select key_last4 from provider_keys where user_id = ${state.userId} order by key_last4`);
    expect((stored as unknown as { rows: { key_last4: string }[] }).rows.map((r) => r.key_last4)).toEqual(STORED.map((k) => k.slice(-4)).sort());
  });

  it("finds no plaintext key anywhere, and the keys page shows each stored key's last 4", () => {
    collect("console output", consoleLines.join("\n"));
    expect(collected.length).toBeGreaterThan(30);
    const leaks: string[] = [];
    for (const [name, key] of Object.entries(KEYS)) {
      for (const form of leakForms(key)) {
        for (const { where, text } of collected) {
          if (text.includes(form)) leaks.push(`${name} (${form === key ? "whole key" : `as "${form}"`}) in ${where}`);
        }
      }
    }
    expect(leaks).toEqual([]);

    // Not vacuous: the keys page lists each stored key by its last 4 characters, and the search saw the upstream's
    // view of the keys (the fake upstream did receive them, so they were really used).
    for (const key of STORED) expect(keysPageHtml).toContain(key.slice(-4));
    expect(keysPageHtml).not.toContain(KEYS.compatDeleted.slice(-4));
    for (const key of STORED) expect(fake.requests.some((r) => r.apiKey === key), key).toBe(true);
  });
});
