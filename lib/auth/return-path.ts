/**
 * The one redirect check (no open redirects): a return URL is PARSED as a URL (WHATWG, as browsers do) against a fixed
 * dummy origin, and used only if it stays on that origin (or on `origin`, the app's own, for absolute URLs Auth.js
 * hands back) — then only its path, query and fragment are kept. Decoded forms must pass too: the value is
 * percent-decoded until it stops changing and that form must also parse to a same-origin path, so `%2F%2Fevil.example`
 * (or it encoded twice) fails like `//evil.example`. Control characters and backslashes, which URL parsers silently
 * drop or turn into slashes (`/\t/evil.example`, `/\evil.example`), are refused in any form.
 */

const DUMMY_ORIGIN = "http://return-path.invalid";
const MAX_LENGTH = 2048;
const MAX_DECODE_ROUNDS = 5;
// C0 controls, DEL, C1 controls and backslashes.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\]/;

/** The value percent-decoded until stable; null if it does not settle or is not valid percent-encoding. */
function fullyDecoded(value: string): string | null {
  let current = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}

/** pathname + search + hash if `value` parses to a URL on one of `origins`, else null. */
function pathOnOrigin(value: string, origins: string[]): string | null {
  let url: URL;
  try {
    url = new URL(value, `${DUMMY_ORIGIN}/`);
  } catch {
    return null;
  }
  if (!origins.includes(url.origin) || !url.pathname.startsWith("/")) return null;
  const path = url.pathname + url.search + url.hash;
  // "/.//evil.example" parses to the path "//evil.example", which a browser reads as another host: refuse such paths.
  const again = new URL(path, `${DUMMY_ORIGIN}/`);
  return again.origin === DUMMY_ORIGIN && again.pathname === url.pathname ? path : null;
}

/**
 * The same-origin path (pathname + search + hash) a return URL leads to, or null if it could lead anywhere else.
 * `origin` (e.g. Auth.js's `baseUrl`) additionally allows absolute URLs on the app's own origin.
 */
export function sameOriginPath(value: unknown, origin?: string): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return null;
  const decoded = fullyDecoded(value);
  if (decoded === null || UNSAFE.test(value) || UNSAFE.test(decoded)) return null;
  let own: string | undefined;
  try {
    own = origin ? new URL(origin).origin : undefined;
  } catch {
    own = undefined;
  }
  const origins = own ? [DUMMY_ORIGIN, own] : [DUMMY_ORIGIN];
  const path = pathOnOrigin(value, origins);
  const decodedPath = pathOnOrigin(decoded, origins);
  if (path === null || decodedPath === null) return null;
  return path;
}

/** Paths that make no sense to return to after signing in: the auth pages themselves and the API. */
function isAuthOrApiPath(path: string): boolean {
  const { pathname } = new URL(path, `${DUMMY_ORIGIN}/`);
  return /^\/(login|register|api)(\/|$)/i.test(pathname);
}

/**
 * Where to send a user after signing in or registering: a same-origin path from `value` (see `sameOriginPath`), or
 * `fallback` — also for the sign-in and registration pages and the API, in raw or decoded form.
 */
export function safeReturnPath(value: unknown, fallback = "/dashboard"): string {
  const path = sameOriginPath(value);
  if (path === null) return fallback;
  const decoded = fullyDecoded(path);
  if (isAuthOrApiPath(path) || (decoded !== null && isAuthOrApiPath(decoded))) return fallback;
  return path;
}

/**
 * Auth.js's `redirect` callback: every callbackUrl it follows (credentials, OAuth, sign-out) goes through the same
 * check; anything else lands on the dashboard.
 */
export function authRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  return new URL(sameOriginPath(url, baseUrl) ?? "/dashboard", baseUrl).toString();
}
