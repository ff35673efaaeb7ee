import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { API_ROUTES, apiMethodAnswer, findApiRoute, isMethodAnswer } from "@/lib/http/api-routes";

// Importing the route modules must not start Auth.js; only their exports matter here.
vi.mock("@/app/(auth)/auth", () => ({
  auth: async () => null,
  handlers: { GET: async () => new Response(), POST: async () => new Response() },
}));

const API_DIR = path.resolve(import.meta.dirname, "../../app/api");
const FALLBACK = "/api/[[...path]]";
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Every route file under app/api, as its URL path (`/api/conversations/[id]`). */
function routeFiles(): { routePath: string; file: string }[] {
  return (readdirSync(API_DIR, { recursive: true }) as string[])
    .filter((entry) => path.basename(entry) === "route.ts")
    .map((entry) => ({
      routePath: "/api/" + path.dirname(entry).split(path.sep).join("/"),
      file: path.join(API_DIR, entry),
    }))
    .sort((a, b) => a.routePath.localeCompare(b.routePath));
}

async function exportedMethods(file: string): Promise<string[]> {
  const routeModule = (await import(file)) as Record<string, unknown>;
  return METHODS.filter((method) => typeof routeModule[method] === "function" && !isMethodAnswer(routeModule[method]));
}

describe("the API route registry", () => {
  it("lists every route file under app/api with exactly the methods it exports", async () => {
    const files = routeFiles().filter((f) => f.routePath !== FALLBACK);
    expect(files.length).toBeGreaterThan(20);
    const fromFiles = Object.fromEntries(
      await Promise.all(files.map(async (f) => [f.routePath, await exportedMethods(f.file)] as const)),
    );
    const fromRegistry = Object.fromEntries(API_ROUTES.map((route) => [route.path, [...route.methods].sort()]));
    for (const methods of Object.values(fromFiles)) methods.sort();
    // A new route file or method that is not in lib/http/api-routes.ts (or a stale entry there) fails here.
    expect(fromRegistry).toEqual(fromFiles);
  }, 120_000);

  it("routes the proxy skips (the gateway's) answer the other methods as the proxy would", async () => {
    const { config } = await import("@/proxy");
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    const skipped = routeFiles().filter((f) => f.routePath !== FALLBACK && !matcher.test(f.routePath.replace(/\[([^\]]+)\]/g, "x")));
    expect(skipped.map((f) => f.routePath)).toEqual(expect.arrayContaining(["/api/v1/chat/completions", "/api/anthropic/v1/messages"]));
    for (const { routePath, file } of skipped) {
      const routeModule = (await import(file)) as Record<string, ((request: Request) => Promise<Response>) | undefined>;
      const url = `http://localhost${routePath}`;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        const handler = routeModule[method];
        expect(handler, `${routePath} ${method}`).toBeDefined();
        if (!isMethodAnswer(handler)) continue;
        const expected = apiMethodAnswer(method, routePath)!;
        const actual = await handler!(new Request(url, { method }));
        expect([actual.status, actual.headers.get("allow"), await actual.text()], `${routePath} ${method}`).toEqual([expected.status, expected.headers.get("allow"), await expected.text()]);
      }
    }
  });

  it("has a fallback route that answers every method with 404 JSON", async () => {
    const fallback = routeFiles().find((f) => f.routePath === FALLBACK);
    expect(fallback, "app/api/[[...path]]/route.ts").toBeDefined();
    const routeModule = (await import(fallback!.file)) as Record<string, (() => Promise<Response>) | undefined>;
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const response = await routeModule[method]!();
      expect(response.status, method).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: "not_found", message: "There is no API route at this path." },
      });
    }
  });
});

describe("the proxy's answers for /api", () => {
  it("answers an unknown path with 404 JSON, whatever the method", async () => {
    const cases: [string, string][] = [
      ["GET", "/api/nope"],
      ["POST", "/api"],
      ["GET", "/api/conversations/a/b"],
      ["DELETE", "/api/usage"],
    ];
    for (const [method, pathname] of cases) {
      const answer = apiMethodAnswer(method, pathname);
      expect(answer?.status, `${method} ${pathname}`).toBe(404);
      expect(answer?.headers.get("content-type")).toMatch(/^application\/json/);
      expect((await answer!.json()).error.code).toBe("not_found");
    }
  });

  it("answers a method the route does not export with 405 JSON and Allow", async () => {
    const put = apiMethodAnswer("PUT", "/api/chat")!;
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("POST, OPTIONS");
    expect(await put.json()).toEqual({
      error: { code: "method_not_allowed", message: "PUT is not allowed here. This route accepts POST." },
    });

    const del = apiMethodAnswer("DELETE", "/api/health")!;
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, HEAD, OPTIONS");

    const post = apiMethodAnswer("POST", "/api/conversations/123")!;
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD, OPTIONS");

    expect(apiMethodAnswer("PUT", "/api/auth/session")?.status).toBe(405);
  });

  it("answers OPTIONS with 204 and Allow", () => {
    const options = apiMethodAnswer("OPTIONS", "/api/usage/summary")!;
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("lets supported methods (and HEAD where GET is) through to the route", () => {
    expect(apiMethodAnswer("GET", "/api/health")).toBeNull();
    expect(apiMethodAnswer("HEAD", "/api/health")).toBeNull();
    expect(apiMethodAnswer("POST", "/api/chat")).toBeNull();
    expect(apiMethodAnswer("PATCH", "/api/conversations/0b1e2c8e-1111-4111-8111-111111111111")).toBeNull();
    expect(apiMethodAnswer("GET", "/api/auth/session")).toBeNull();
    expect(apiMethodAnswer("POST", "/api/auth/callback/credentials")).toBeNull();
    expect(apiMethodAnswer("GET", "/dashboard")).toBeNull();
    expect(apiMethodAnswer("GET", "/apis")).toBeNull();
  });

  it("matches dynamic segments and catch-alls as Next.js does", () => {
    expect(findApiRoute("/api/admin/users/abc/usage/summary")?.path).toBe("/api/admin/users/[id]/usage/summary");
    expect(findApiRoute("/api/auth/callback/github")?.path).toBe("/api/auth/[...nextauth]");
    expect(findApiRoute("/api/auth")).toBeUndefined();
  });
});
