import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * What the fuzz and authorization suites cover, read from the app's own files so a new route or action is covered
 * (and must hold up) the moment it exists: every app/api/**\/route.ts (but Auth.js's own [...nextauth]) with the HTTP
 * methods it exports, every "use server" module under app/ with its exported functions, and every form field name the
 * UI sends (`name="…"` attributes, AdminActionButton `fields={{ … }}` keys, `formData.get("…")` reads).
 */

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : walk(full);
    return [full];
  });
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");

/** A dynamic segment: `[id]`, `[...rest]` or `[[...optional]]`. */
const SEGMENT = /\[\[?(?:\.\.\.)?(\w+)\]?\]/g;

/** A concrete URL path for a route path: every dynamic segment becomes `x`. */
export function examplePath(routePath: string): string {
  return routePath.replace(SEGMENT, "x");
}

export interface RouteFile {
  /** "app/api/conversations/[id]/route.ts" */
  file: string;
  /** "/api/conversations/[id]" */
  path: string;
  /** Dynamic segment names, e.g. ["id"]. */
  params: string[];
  /**
   * Who may call it, from the route wrapper: route("admin" | "user" | "public", …) or dashboardRoute(…); "token" for
   * the gateway and the API-token routes (lib/gateway, lib/track/api-route's tokenRoute, authenticateApiToken); "public"
   * for a bare function.
   */
  access: "admin" | "user" | "public" | "token";
  source: string;
}

export function routeFiles(): RouteFile[] {
  return walk(path.join(ROOT, "app/api"))
    .filter((file) => path.basename(file) === "route.ts")
    .map(rel)
    .filter((file) => file !== "app/api/auth/[...nextauth]/route.ts") // Auth.js's own handlers
    .sort()
    .map((file) => {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      const routePath = `/${path.posix.dirname(file).replace(/^app\//, "")}`;
      const params = [...routePath.matchAll(SEGMENT)].map((m) => m[1]!);
      const wrapped = [...source.matchAll(/route\(\s*"(admin|user|session|public)"/g)].map((m) => (m[1] === "session" ? "user" : m[1]) as RouteFile["access"]);
      // The dashboards' one-line routes (lib/dashboard/routes.ts): "me" is the signed-in user's own, "org" and "user" admins'.
      for (const m of source.matchAll(/dashboardRoute\(\s*"(me|org|user)"/g)) wrapped.push(m[1] === "me" ? "user" : "admin");
      const token = /@\/lib\/gateway\/|@\/lib\/track\/api-route|authenticateApiToken/.test(source);
      const access = wrapped.includes("admin") ? "admin" : wrapped.includes("user") ? "user" : token ? "token" : "public";
      return { file, path: routePath, params, access, source };
    });
}

export interface ActionFile {
  file: string;
  /** Admin actions live under app/(app)/admin. */
  admin: boolean;
  /** Actions anyone may call (sign-in, registration) live under app/(auth). */
  public: boolean;
  source: string;
}

export function actionFiles(): ActionFile[] {
  return walk(path.join(ROOT, "app"))
    .filter((file) => /\.(ts|tsx)$/.test(file))
    .map(rel)
    .filter((file) => /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use server["']/.test(readFileSync(path.join(ROOT, file), "utf8")))
    .sort()
    .map((file) => ({
      file,
      admin: file.startsWith("app/(app)/admin/"),
      public: file.startsWith("app/(auth)/"),
      source: readFileSync(path.join(ROOT, file), "utf8"),
    }));
}

/** Every form field name the UI can send. */
export function formFieldNames(): string[] {
  const names = new Set<string>();
  for (const file of [...walk(path.join(ROOT, "components")), ...walk(path.join(ROOT, "app")), ...walk(path.join(ROOT, "lib"))]) {
    if (!/\.(ts|tsx)$/.test(file)) continue;
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/\bname="([A-Za-z_][\w]*)"/g)) names.add(m[1]!);
    for (const m of source.matchAll(/formData\.(?:get|getAll)\("([A-Za-z_][\w]*)"\)/g)) names.add(m[1]!);
    for (const m of source.matchAll(/fields=\{\{([^}]*)\}\}/g)) {
      for (const key of m[1]!.matchAll(/(?:^|,)\s*([A-Za-z_]\w*)\s*(?=[:,]|$)/g)) names.add(key[1]!);
    }
  }
  return [...names].sort();
}

/** Query parameters the API reads (the dashboard contract, paging, search), plus some it must ignore. */
export const QUERY_PARAMS = ["range", "from", "to", "cursor", "limit", "q", "sort", "dir", "page", "pageSize", "groupBy", "by", "userId", "id"];
