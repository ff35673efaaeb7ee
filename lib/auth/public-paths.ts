/** Paths reachable without signing in; everything else redirects to /login (pages) or answers 401 (API). */
const PUBLIC_PREFIXES = ["/api/auth/"];
const PUBLIC_PATHS = new Set(["/login", "/register", "/api/health"]);

/**
 * API paths whose handlers authenticate an API token themselves (the gateway, ingestion, stats): the proxy lets them
 * through without a session cookie, and the handler answers 401 with `WWW-Authenticate` when the token is missing.
 */
const TOKEN_PREFIXES = ["/api/v1/", "/api/anthropic/"];
const TOKEN_PATHS = new Set(["/api/track", "/api/budget/check", "/api/usage/stats"]);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

export function isTokenPath(pathname: string): boolean {
  return TOKEN_PATHS.has(pathname) || TOKEN_PREFIXES.some((prefix) => pathname.startsWith(prefix)) || isBenchPath(pathname);
}

/** The benchmark's bare pass-through (`npm run bench:gateway`): its handler is a 404 unless BENCH_PASSTHROUGH=1. */
function isBenchPath(pathname: string): boolean {
  return pathname.startsWith("/api/bench/");
}
