import { randomUUID } from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConversation } from "@/db/queries/conversations";
import { users } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import { session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { BAD_IDS, BAD_STRINGS, encodeQueryValue, fuzzJson, fuzzString, ONE_MB, Recorder, sample } from "./harness";
import { examplePath, HTTP_METHODS, QUERY_PARAMS, ROOT, routeFiles, type RouteFile } from "./inventory";

/**
 * Fuzz of every route handler under app/api (read from the file tree: a new route is fuzzed the moment it exists).
 * Each exported method is called, as the role the route is for (admin routes as an admin, the rest as a member), with
 * hostile query parameters, path ids, cursors, dates and JSON bodies. Every answer must be below 500, an error must be
 * the JSON error body, and each call must finish within 5 s. Refusals that the app promises are checked too: bad path
 * ids, cursors and out-of-range dates get 4xx.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const db = freshDatabasePerFile();
const ROUTES = routeFiles();
const modules = new Map<string, Record<string, unknown>>();
const recorder = new Recorder();
let admin: { id: string };
let member: { id: string };
let conversationId: string;

const QUERY_VALUES = BAD_STRINGS.filter(([label]) => ["NUL", "lone high surrogate", "1 MB", "36 dashes"].includes(label));
const BAD_CURSORS = ["nonsense", `99999999999999999999|${randomUUID()}`, `1777638896789123|${"-".repeat(36)}`, `${Date.now()}|${randomUUID()}`, "%00", "|", `1777638896789123|${randomUUID()}|x`];
const BAD_RANGES: [string, RegExp | null][] = [
  ["range=custom&from=0000-01-01&to=0000-01-31", null],
  ["range=custom&from=0001-01-01&to=0001-12-31", /2000-01-01 to 2100-12-31/],
  ["range=custom&from=0099-01-01&to=0099-01-02", /2000-01-01 to 2100-12-31/],
  ["range=custom&from=9999-12-01&to=9999-12-31", /2000-01-01 to 2100-12-31/],
  ["range=custom&from=2026-03-02&to=2026-03-01", /before the start/],
  ["range=custom&from=2020-01-01&to=2026-01-01", /at most 400 days/],
  ["range=custom&from=2026-02-30&to=2026-03-01", /not a date/],
  ["range=custom&from=%2B20000-01-01&to=2026-01-01", /Dates look like/],
  ["range=custom&from=2026-01-01", /needs from and to/],
  ["range=forever", /range must be one of/],
];

beforeAll(async () => {
  vi.stubEnv("DEFAULT_MODEL", "");
  for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "OPENROUTER_API_KEY"]) vi.stubEnv(name, "");
  // The model calls must never leave the machine, even if a case were to get that far.
  for (const name of ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GOOGLE_BASE_URL", "OPENROUTER_BASE_URL"]) vi.stubEnv(name, "http://127.0.0.1:9/v1");
  admin = await registerWithPassword({ email: `fuzz-admin-${randomUUID()}@example.test`, password: "password-123" });
  member = await registerWithPassword({ email: `fuzz-member-${randomUUID()}@example.test`, password: "password-123" });
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  await db.current().db.update(users).set({ role: "user" }).where(eq(users.id, member.id));
  conversationId = randomUUID();
  await createConversation({ id: conversationId, userId: member.id, model: null, assistantId: null });
  for (const route of ROUTES) modules.set(route.file, (await import(/* @vite-ignore */ path.join(ROOT, route.file))) as Record<string, unknown>);
});

afterAll(() => {
  vi.unstubAllEnvs();
  session.current = null;
  console.log(
    `[fuzz] routes: ${ROUTES.length} files, ${handlersOf().length} handlers; cases: ${recorder.cases}; 500s: ${recorder.serverErrors}; failures: ${recorder.failures.length}`,
  );
});

function handlersOf(): { route: RouteFile; method: string; handler: Handler }[] {
  return ROUTES.flatMap((route) => {
    const exports = modules.get(route.file) ?? {};
    return HTTP_METHODS.filter((method) => typeof exports[method] === "function").map((method) => ({ route, method, handler: exports[method] as Handler }));
  });
}

/** The params of a route for the signed-in role: real ids where a real one makes sense. */
function validParams(route: RouteFile): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of route.params) params[name] = route.path.startsWith("/api/conversations") ? conversationId : member.id;
  return params;
}

const hasBody = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);

function request(route: RouteFile, method: string, init: { query?: string; body?: BodyInit | null; type?: string | null } = {}): Request {
  const url = `http://localhost${examplePath(route.path)}${init.query ? `?${init.query}` : ""}`;
  const type = init.type === undefined ? "application/json" : init.type;
  return new Request(url, {
    method,
    body: hasBody(method) ? (init.body ?? null) : null,
    headers: hasBody(method) && type ? { "content-type": type } : {},
  });
}

function signInFor(route: RouteFile) {
  signIn(route.access === "admin" ? admin : member);
}

/** JSON bodies the API takes, as templates: every string leaf is replaced by hostile values, one at a time. */
const TEMPLATES: (() => Record<string, unknown>)[] = [
  () => ({ id: randomUUID(), message: { id: "m-1", role: "user", parts: [{ type: "text", text: "hi" }] }, trigger: "submit-message", model: "openai:gpt-4o-mini", assistantId: randomUUID() }),
  () => ({ title: "A title" }),
  () => ({ id: randomUUID() }),
];

function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, Array.isArray(value) ? Number(key) : key]));
  }
  return [prefix];
}

function setAt(value: Record<string, unknown>, at: (string | number)[], leaf: unknown): Record<string, unknown> {
  let node = value as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[at.at(-1)!] = leaf;
  return value;
}

describe("route fuzz", () => {
  it("finds the routes of the file tree and imports each with at least one method", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(20);
    for (const route of ROUTES) {
      const methods = HTTP_METHODS.filter((method) => typeof modules.get(route.file)?.[method] === "function");
      expect(methods.length, route.file).toBeGreaterThan(0);
    }
  });

  it("answers hostile query parameters below 500, errors as JSON", { timeout: 120_000 }, async () => {
    const values: [string, string][] = [...QUERY_VALUES, ...sample(fuzzString, 2).map((v, i): [string, string] => [`fast-check ${i}`, v])];
    // Parameters no route reads are sent together, with every value; each parameter a route may read is sent alone,
    // so it is reached, with the values that get past URL decoding as they are (a lone surrogate arrives as U+FFFD).
    const ignored = ["userId", "id", "__proto__", "constructor", "hasOwnProperty"];
    const perName = values.filter(([label]) => ["NUL", "36 dashes", "1 MB"].includes(label));
    for (const { route, method, handler } of handlersOf()) {
      signInFor(route);
      const params = validParams(route);
      const call = (label: string, query: string) =>
        recorder.route(`${method} ${route.path}?${label}`, () => handler(request(route, method, { query, body: hasBody(method) ? "{}" : null }), { params: Promise.resolve(params) }));
      await call("(no query)", "");
      for (const [label, value] of values) {
        await call(`${ignored.join("&")}=<${label}>`, ignored.map((name) => `${name}=${encodeQueryValue(value)}`).join("&"));
      }
      if (hasBody(method)) continue; // bodies are fuzzed below; these handlers read no query
      for (const name of QUERY_PARAMS.filter((n) => !ignored.includes(n))) {
        for (const [label, value] of perName) await call(`${name}=<${label}>`, `${name}=${encodeQueryValue(value)}`);
      }
    }
    expect(recorder.failures).toEqual([]);
  });

  it("refuses bad cursors and out-of-range dates with 400 and the reason", { timeout: 60_000 }, async () => {
    let cursorRoutes = 0;
    let dateRoutes = 0;
    for (const { route, method, handler } of handlersOf()) {
      if (method !== "GET") continue;
      signInFor(route);
      const params = validParams(route);
      // Dashboard routes are one line (lib/dashboard/routes.ts): every view reads the range, `recent` a cursor too.
      const dashboard = /dashboardRoute\(/.test(route.source);
      if (/cursor|recentParams|dashboardRoute\([^)]*"recent"/.test(route.source)) {
        cursorRoutes++;
        for (const cursor of BAD_CURSORS) {
          const result = await recorder.route(`GET ${route.path}?cursor=${cursor}`, () => handler(request(route, "GET", { query: `range=7d&cursor=${encodeURIComponent(cursor)}` }), { params: Promise.resolve(params) }), { status: 400 });
          const message = (result.body as { error?: { message?: string } } | undefined)?.error?.message ?? "";
          if (result.status === 400 && !/^cursor: /.test(message)) recorder.fail(`GET ${route.path}?cursor=${cursor}`, `message does not name the cursor: ${message}`);
        }
      }
      if (route.source.includes("parseDashboardQuery") || dashboard) {
        dateRoutes++;
        for (const [query, reason] of BAD_RANGES) {
          const result = await recorder.route(`GET ${route.path}?${query}`, () => handler(request(route, "GET", { query }), { params: Promise.resolve(params) }), { status: 400 });
          const message = (result.body as { error?: { message?: string } } | undefined)?.error?.message ?? "";
          if (reason && !reason.test(message)) recorder.fail(`GET ${route.path}?${query}`, `message ${JSON.stringify(message)} does not match ${reason}`);
        }
      }
    }
    expect(cursorRoutes).toBeGreaterThanOrEqual(3);
    expect(dateRoutes).toBeGreaterThanOrEqual(10);
    expect(recorder.failures).toEqual([]);
  });

  it("refuses malformed path ids with a 4xx on every method", { timeout: 60_000 }, async () => {
    let checked = 0;
    for (const { route, method, handler } of handlersOf()) {
      if (route.params.length === 0) continue;
      signInFor(route);
      for (const [label, id] of BAD_IDS) {
        checked++;
        const params = Object.fromEntries(route.params.map((name) => [name, id]));
        await recorder.route(`${method} ${route.path} with id <${label}>`, () => handler(request(route, method, { query: "range=7d", body: hasBody(method) ? '{"title":"x"}' : null }), { params: Promise.resolve(params) }), {
          refused: true,
        });
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(recorder.failures).toEqual([]);
  });

  it("refuses hostile bodies with a 4xx JSON error, and nothing is polluted", { timeout: 120_000 }, async () => {
    const fixed: [string, BodyInit | null, string | null][] = [
      ["malformed JSON", "{nope", "application/json"],
      ["truncated JSON", '{"id":"', "application/json"],
      ["empty body", "", "application/json"],
      ["null", "null", "application/json"],
      ["a number", "42", "application/json"],
      ["a string", '"hello"', "application/json"],
      ["an array", "[]", "application/json"],
      ["text/plain", '{"title":"x"}', "text/plain"],
      ["no content type", '{"title":"x"}', null],
      ["a form", "title=x", "application/x-www-form-urlencoded"],
      ["multipart", (() => { const f = new FormData(); f.set("title", "x"); return f; })(), null],
      ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), "application/json"],
      ["1 MB string field", JSON.stringify({ title: "x".repeat(ONE_MB), message: "x".repeat(10) }), "application/json"],
      ["over 1 MB of whitespace", `${" ".repeat(ONE_MB + 10)}{}`, "application/json"],
      ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`, "application/json"],
      ["deep object nesting", `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`, "application/json"],
      ["NUL in a key", '{"ti\\u0000tle":"x"}', "application/json"],
      ["lone surrogate", '{"title":"\\ud800","id":"\\udfff"}', "application/json"],
      ["prototype keys", '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"title":"x"}', "application/json"],
      ["nested prototype keys", '{"message":{"__proto__":{"role":"user"},"parts":[{"__proto__":{"type":"text"}}]}}', "application/json"],
    ];
    for (const { route, method, handler } of handlersOf()) {
      if (!hasBody(method)) continue;
      signInFor(route);
      const params = validParams(route);
      const call = (label: string, body: BodyInit | null, type: string | null = "application/json") =>
        recorder.route(`${method} ${route.path} body <${label}>`, () => handler(request(route, method, { body, type }), { params: Promise.resolve(params) }));
      for (const [label, body, type] of fixed) await call(label, body, type);
      for (const template of TEMPLATES) {
        for (const at of leafPaths(template())) {
          for (const [label, value] of BAD_STRINGS) await call(`${at.join(".")} = <${label}>`, JSON.stringify(setAt(template(), at, value)));
          for (const wrong of [42, null, true, [], {}]) await call(`${at.join(".")} = ${JSON.stringify(wrong)}`, JSON.stringify(setAt(template(), at, wrong)));
        }
      }
      for (const [i, value] of sample(fuzzJson, 25).entries()) await call(`fast-check JSON ${i}`, JSON.stringify(value));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(recorder.failures).toEqual([]);
  });
});
