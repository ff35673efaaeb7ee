/**
 * Every route handler under app/api and the methods it exports. proxy.ts answers from this list before any route
 * runs: an unknown /api path gets 404 JSON, a method a route does not export gets 405 JSON with `Allow`, OPTIONS
 * gets 204 with `Allow` (Next.js alone would answer 405 with an empty body and 404 with an HTML page).
 * tests/http/api-routes.test.ts imports every app/api/**\/route.ts and fails when this list and the files differ.
 * No server-only or Next.js imports: the proxy bundles it and the e2e suite reads it.
 */
import { AppError } from "@/lib/errors";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export const API_ROUTES = [
  { path: "/api/admin/audit", methods: ["GET"] },
  { path: "/api/admin/usage/breakdown", methods: ["GET"] },
  { path: "/api/admin/usage/summary", methods: ["GET"] },
  { path: "/api/admin/usage/timeseries", methods: ["GET"] },
  { path: "/api/admin/usage/unpriced", methods: ["GET"] },
  { path: "/api/admin/users", methods: ["GET"] },
  { path: "/api/admin/users/[id]/usage/breakdown", methods: ["GET"] },
  { path: "/api/admin/users/[id]/usage/export", methods: ["GET"] },
  { path: "/api/admin/users/[id]/usage/recent", methods: ["GET"] },
  { path: "/api/admin/users/[id]/usage/skills", methods: ["GET"] },
  { path: "/api/admin/users/[id]/usage/summary", methods: ["GET"] },
  { path: "/api/admin/users/[id]/usage/timeseries", methods: ["GET"] },
  { path: "/api/anthropic/v1/messages", methods: ["POST"] },
  { path: "/api/anthropic/v1/messages/count_tokens", methods: ["POST"] },
  { path: "/api/assistants", methods: ["GET"] },
  // Auth.js answers its own paths (and its own unknown actions) for these two methods.
  { path: "/api/auth/[...nextauth]", methods: ["GET", "POST"] },
  { path: "/api/bench/passthrough/chat/completions", methods: ["POST"] },
  { path: "/api/budget/check", methods: ["GET"] },
  { path: "/api/chat", methods: ["POST"] },
  { path: "/api/conversations", methods: ["GET"] },
  { path: "/api/conversations/[id]", methods: ["GET", "PATCH", "DELETE"] },
  { path: "/api/health", methods: ["GET"] },
  { path: "/api/me", methods: ["GET"] },
  { path: "/api/models", methods: ["GET"] },
  { path: "/api/notifications", methods: ["GET"] },
  { path: "/api/notifications/read", methods: ["POST"] },
  { path: "/api/track", methods: ["POST"] },
  { path: "/api/usage/breakdown", methods: ["GET"] },
  { path: "/api/usage/export", methods: ["GET"] },
  { path: "/api/usage/recent", methods: ["GET"] },
  { path: "/api/usage/skills", methods: ["GET"] },
  { path: "/api/usage/stats", methods: ["GET"] },
  { path: "/api/usage/summary", methods: ["GET"] },
  { path: "/api/usage/timeseries", methods: ["GET"] },
  { path: "/api/v1/chat/completions", methods: ["POST"] },
  { path: "/api/v1/embeddings", methods: ["POST"] },
  { path: "/api/v1/models", methods: ["GET"] },
] as const satisfies readonly { path: string; methods: readonly HttpMethod[] }[];

export type ApiRoute = (typeof API_ROUTES)[number];

/** Matches a request path against a route path of the file tree: `[id]` is one segment, `[...rest]` one or more. */
export function matchesRoutePath(routePath: string, pathname: string): boolean {
  const pattern = routePath.split("/").filter(Boolean);
  const actual = pathname.split("/").filter(Boolean);
  for (const [i, segment] of pattern.entries()) {
    if (segment.startsWith("[...")) return actual.length > i;
    if (i >= actual.length) return false;
    if (segment.startsWith("[")) continue;
    if (segment !== actual[i]) return false;
  }
  return actual.length === pattern.length;
}

/** Sort key of a route path segment as Next.js ranks them: a static name beats `[id]`, which beats `[...rest]`. */
function segmentRank(segment: string | undefined): number {
  if (segment === undefined) return 3;
  return segment.startsWith("[...") || segment.startsWith("[[...") ? 2 : segment.startsWith("[") ? 1 : 0;
}

function moreSpecific(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const difference = segmentRank(as[i]) - segmentRank(bs[i]);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The route Next.js would run for a path (the most specific match), if any. */
export function findApiRoute(pathname: string): ApiRoute | undefined {
  return API_ROUTES.filter((route) => matchesRoutePath(route.path, pathname)).sort((a, b) =>
    moreSpecific(a.path, b.path),
  )[0];
}

/**
 * The methods a route answers, as Next.js serves them: what the file exports, HEAD wherever GET is (Next runs GET
 * and drops the body), and OPTIONS.
 */
export function allowedMethods(route: ApiRoute): string[] {
  const methods: string[] = [...route.methods];
  if (methods.includes("GET")) methods.push("HEAD");
  methods.push("OPTIONS");
  return methods;
}

export function notFoundAnswer(): Response {
  return Response.json(new AppError("not_found", "There is no API route at this path.").toJSON(), { status: 404 });
}

/**
 * The proxy's answer for an /api request before any route runs, or null to go on: 404 for a path no route has,
 * 204 with `Allow` for OPTIONS, 405 with `Allow` for a method the route does not have.
 */
export function apiMethodAnswer(method: string, pathname: string): Response | null {
  if (pathname !== "/api" && !pathname.startsWith("/api/")) return null;
  const route = findApiRoute(pathname);
  if (!route) return notFoundAnswer();
  const allowed = allowedMethods(route);
  const allow = allowed.join(", ");
  if (method === "OPTIONS") return new Response(null, { status: 204, headers: { Allow: allow } });
  if (allowed.includes(method)) return null;
  const message = `${method} is not allowed here. This route accepts ${route.methods.join(", ")}.`;
  return Response.json(new AppError("method_not_allowed", message).toJSON(), {
    status: 405,
    headers: { Allow: allow },
  });
}

const METHOD_ANSWER = Symbol.for("spendboard.methodAnswer");

/**
 * The proxy's answers (above) as route exports, for the routes its matcher skips — the gateway's, so that a model
 * call does not pay for a proxy pass: a route file exports these for the methods it does not have, e.g.
 * `export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();` beside its POST.
 */
export function methodAnswers() {
  const answer = async (request: Request): Promise<Response> => apiMethodAnswer(request.method, new URL(request.url).pathname) ?? notFoundAnswer();
  Object.defineProperty(answer, METHOD_ANSWER, { value: true });
  return { GET: answer, POST: answer, PUT: answer, PATCH: answer, DELETE: answer, OPTIONS: answer };
}

/** Whether a route export is one of `methodAnswers()` (not a method the route has). */
export function isMethodAnswer(handler: unknown): boolean {
  return typeof handler === "function" && (handler as unknown as Record<symbol, unknown>)[METHOD_ANSWER] === true;
}
