/** Paths reachable without signing in; everything else redirects to /login (pages) or answers 401 (API). */
const PUBLIC_PREFIXES = ["/api/auth/"];
const PUBLIC_PATHS = new Set(["/login", "/register", "/api/health"]);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}
