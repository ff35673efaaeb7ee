import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { API_ROUTES } from "@/lib/http/api-routes";
import { PASSWORD, uniqueEmail } from "./pages/auth-pages";

/**
 * Every server action of the build and every API route of the registry, sent what a browser never sends.
 * Expected: a 4xx (JSON where the proxy answers) or the action's own error state — never a 500, never over 5 s.
 * The actions come from the build's manifest, so a new action is fuzzed without touching this file.
 */

// The encoder Next.js's client uses for action arguments: the well-formed bodies below are the real thing.
const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.node") as {
  encodeReply: (value: unknown) => Promise<string | FormData>;
};

interface ManifestEntry {
  exportedName?: string;
  workers: Record<string, unknown>;
}

const distDir = process.env.NEXT_DIST_DIR || ".next";
const manifest = JSON.parse(
  readFileSync(path.join(distDir, "server", "server-reference-manifest.json"), "utf8"),
) as { node: Record<string, ManifestEntry> };

const SOME_UUID = "3f0c9a52-7d3e-4f6b-9a51-2b8d6c1e4f70";

/** `app/(app)/admin/users/[id]/page` → `/admin/users/<uuid>`: a page that renders the action. */
function pagePath(worker: string): string {
  const segments = worker
    .replace(/^app\//, "")
    .replace(/\/page$/, "")
    .split("/")
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => (segment.startsWith("[") ? SOME_UUID : segment));
  return "/" + segments.join("/");
}

const ACTIONS = Object.entries(manifest.node)
  .map(([id, entry]) => ({ id, name: entry.exportedName ?? id, page: pagePath(Object.keys(entry.workers)[0] ?? "") }))
  // signOutAction ends the session the signed-in round runs under: it goes last.
  .sort((a, b) => Number(a.name === "signOutAction") - Number(b.name === "signOutAction"));

const LIMIT = 1024 * 1024;

interface BadBody {
  name: string;
  contentType?: string;
  data?: string | Buffer;
  form?: () => Promise<FormData>;
  /** The status the proxy answers with, when it refuses before Next.js decodes. */
  refused?: 400 | 413;
}

function fields(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

const BAD_BODIES: BadBody[] = [
  { name: "JSON", contentType: "application/json", data: '{"email":"a@b.c","password":"x"}', refused: 400 },
  { name: "garbage", contentType: "text/plain;charset=UTF-8", data: "garbage{{\u0000\ud800", refused: 400 },
  { name: "binary", contentType: "text/plain", data: Buffer.from([0xff, 0xfe, 0x00, 0x80]), refused: 400 },
  { name: "an object, not an argument list", contentType: "text/plain", data: '{"__proto__":{"x":1}}', refused: 400 },
  { name: "a reference to a missing part", contentType: "text/plain", data: '[{},"$1"]', refused: 400 },
  { name: "a Map argument", contentType: "text/plain", data: '[{},"$Q1"]', refused: 400 },
  { name: "no arguments", contentType: "text/plain", data: "[]" },
  { name: "strings, not a form", contentType: "text/plain", data: '[{"__proto__":{"admin":true}},"x\\u0000"]' },
  { name: "url-encoded", contentType: "application/x-www-form-urlencoded", data: "email=a%40b.c", refused: 400 },
  { name: "no content type", data: "[]", refused: 400 },
  { name: "multipart without its root", form: async () => fields({ email: "a@b.c" }), refused: 400 },
  { name: "multipart with a garbage root", form: async () => fields({ 0: "garbage" }), refused: 400 },
  {
    name: "multipart with wrong fields",
    form: async () => (await encodeReply([{}, fields({ userId: "../../etc", cents: "1e999", ["__proto__"]: "x" })])) as FormData,
  },
  {
    name: "multipart with NUL, surrogates and a 100 kB string",
    form: async () =>
      (await encodeReply([{}, fields({ name: "a\u0000b\ud800", email: "x".repeat(100_000), url: "javascript:1" })])) as FormData,
  },
  { name: "over the size limit", contentType: "text/plain", data: `["${"a".repeat(LIMIT)}"]`, refused: 413 },
  {
    name: "multipart over the size limit",
    form: async () => (await encodeReply([{}, fields({ note: "a".repeat(LIMIT) })])) as FormData,
    refused: 413,
  },
];

/** Posts a body to an action (the request itself fails the test after 5 s). */
async function postAction(
  request: APIRequestContext,
  url: string,
  actionId: string,
  body: BadBody,
): Promise<APIResponse> {
  const headers: Record<string, string> = { "next-action": actionId };
  if (body.contentType) headers["content-type"] = body.contentType;
  return body.form
    ? await request.post(url, { headers, multipart: await body.form(), maxRedirects: 0, timeout: 5_000 })
    : await request.post(url, { headers, data: body.data, maxRedirects: 0, timeout: 5_000 });
}

/** What is wrong with an answer: a 5xx, or not the proxy's JSON refusal where one is due. */
async function problemWith(response: APIResponse, body: BadBody): Promise<string | null> {
  const status = response.status();
  if (status >= 500) return `${status}: ${(await response.text()).slice(0, 200)}`;
  if (!body.refused) return null;
  if (status !== body.refused) return `${status}, expected ${body.refused}`;
  const payload = await response.json();
  if (payload.error.code !== (body.refused === 413 ? "payload_too_large" : "bad_request")) return payload.error.code;
  if (body.refused === 413 && !payload.error.message.includes("1 MB")) return `no limit in "${payload.error.message}"`;
  return null;
}

/** Every action × every bad body, on the action's own page and on a public one; returns the count and problems. */
async function fuzzEveryAction(request: APIRequestContext) {
  const problems: string[] = [];
  let cases = 0;
  for (const action of ACTIONS) {
    for (const body of BAD_BODIES) {
      // On the page that renders the action, and on a public page (Next.js forwards it to the right worker).
      for (const url of [action.page, "/login"]) {
        const problem = await problemWith(await postAction(request, url, action.id, body), body);
        if (problem) problems.push(`${action.name} at ${url}, ${body.name}: ${problem}`);
        cases++;
      }
    }
  }
  return { cases, problems };
}

test.describe("server actions sent bodies that are not forms", () => {
  test.describe.configure({ timeout: 300_000 });

  test("the build has the actions this suite expects to find", () => {
    expect(ACTIONS.length).toBeGreaterThanOrEqual(20);
    expect(ACTIONS.map((a) => a.name)).toEqual(expect.arrayContaining(["signInWithPassword", "saveKeyAction"]));
  });

  test("signed out: no 500, no hang; undecodable and oversized bodies get a JSON 400/413", async ({ request }) => {
    const { cases, problems } = await fuzzEveryAction(request);
    test.info().annotations.push({ type: "cases", description: String(cases) });
    expect(problems).toEqual([]);
  });

  test("signed in: the same, under a real session", async ({ request }) => {
    const register = ACTIONS.find((a) => a.name === "register")!;
    const email = uniqueEmail("fuzz");
    const signUp = await request.post("/register", {
      headers: { "next-action": register.id },
      multipart: (await encodeReply([{}, fields({ email, password: PASSWORD })])) as FormData,
      maxRedirects: 0,
    });
    expect(signUp.status()).toBeLessThan(400);
    const me = await request.get("/api/me");
    expect(me.status()).toBe(200);
    expect((await me.json()).user.email).toBe(email);

    const { cases, problems } = await fuzzEveryAction(request);
    test.info().annotations.push({ type: "cases", description: String(cases) });
    expect(problems).toEqual([]);
  });

  test("unknown, malformed and cross-site action ids", async ({ request }) => {
    const body = { contentType: "text/plain", data: "[]", name: "empty" };
    for (const id of ["7f" + "0".repeat(40), "zzz", "", "x".repeat(5_000), "../../etc/passwd"]) {
      // Next.js's own answers (400 malformed, 404/409 unknown, with a header its client router reads).
      const status = (await postAction(request, "/login", id, body)).status();
      expect(status, id.slice(0, 50)).toBeGreaterThanOrEqual(400);
      expect(status, id.slice(0, 50)).toBeLessThan(500);
    }
    const signIn = ACTIONS.find((a) => a.name === "signInWithPassword")!;
    for (const origin of ["https://evil.example", "null"]) {
      const response = await request.post("/login", {
        headers: { "next-action": signIn.id, "content-type": "text/plain", origin },
        data: "[]",
      });
      expect(response.status(), origin).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
    }
  });
});

test.describe("forms posted without JavaScript (no Next-Action header)", () => {
  test("over the limit, from another site or naming no real action: a 4xx, never a 500", async ({ request }) => {
    const signIn = ACTIONS.find((a) => a.name === "signInWithPassword")!;
    const noScript = (extra: Record<string, string>) => fields({ [`$ACTION_ID_${signIn.id}`]: "", ...extra });

    const big = await request.post("/login", { multipart: noScript({ email: "a".repeat(LIMIT) }), maxRedirects: 0 });
    expect(big.status()).toBe(413);
    expect((await big.json()).error.message).toContain("1 MB");

    for (const origin of ["https://evil.example", "garbage"]) {
      const foreign = await request.post("/login", { headers: { origin }, multipart: noScript({}), maxRedirects: 0 });
      expect(foreign.status(), origin).toBe(403);
    }
    for (const form of [
      fields({ "$ACTION_ID_zzz": "" }),
      fields({ [`$ACTION_ID_7f${"0".repeat(40)}`]: "" }),
      fields({ "$ACTION_REF_1": "", "$ACTION_1:0": '{"id":"zz","bound":"$@1"}' }),
      fields({ "$ACTION_REF_1": "", "$ACTION_1:0": "garbage" }),
      noScript({ $ACTION_KEY: "garbage", email: "a\u0000" }),
    ]) {
      const response = await request.post("/login", { multipart: form, maxRedirects: 0, timeout: 5_000 });
      expect(response.status(), [...form.keys()].join(",")).toBeLessThan(500);
    }
  });
});

test.describe("every /api answer is JSON", () => {
  const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const concrete = (routePath: string) =>
    routePath.replace(/\[\.\.\.[^\]]+\]/, "session").replace(/\[[^\]]+\]/g, SOME_UUID);

  test("a method a route does not have gets 405 JSON with Allow", async ({ request }) => {
    let checked = 0;
    for (const route of API_ROUTES) {
      const url = concrete(route.path);
      for (const method of ALL_METHODS.filter((m) => !(route.methods as readonly string[]).includes(m))) {
        const response = await request.fetch(url, { method, data: "{}", maxRedirects: 0, timeout: 5_000 });
        expect(response.status(), `${method} ${url}`).toBe(405);
        expect(response.headers()["allow"], `${method} ${url}`).toBe(
          [...route.methods, ...(route.methods.includes("GET" as never) ? ["HEAD"] : []), "OPTIONS"].join(", "),
        );
        expect((await response.json()).error.code).toBe("method_not_allowed");
        checked++;
      }
      const options = await request.fetch(url, { method: "OPTIONS" });
      expect(options.status(), `OPTIONS ${url}`).toBe(204);
    }
    expect(checked).toBeGreaterThan(50);
  });

  test("an unknown /api path gets 404 JSON, whatever the method and name", async ({ request }) => {
    for (const url of ["/api", "/api/nope", "/api/chat/extra", "/api/logo.png", "/api/%00", "/api/usage/summary/x"]) {
      for (const method of ["GET", "POST", "DELETE"]) {
        const response = await request.fetch(url, { method, maxRedirects: 0, timeout: 5_000 });
        expect(response.status(), `${method} ${url}`).toBe(404);
        expect(await response.json(), `${method} ${url}`).toEqual({
          error: { code: "not_found", message: "There is no API route at this path." },
        });
      }
    }
  });

  test("Auth.js still answers its own paths", async ({ request }) => {
    const session = await request.get("/api/auth/session");
    expect(session.status()).toBe(200);
    const csrf = await request.get("/api/auth/csrf");
    expect((await csrf.json()).csrfToken).toEqual(expect.any(String));
  });
});
