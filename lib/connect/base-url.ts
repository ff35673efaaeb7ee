/**
 * This deployment's public base URL, for the snippets on the "Connect an app" page: AUTH_URL when it is set (what
 * Auth.js and alert links use), else the request's own host as the proxy in front saw it (`x-forwarded-host` /
 * `x-forwarded-proto`, else `host`). Pure: the page passes the environment value and the request headers.
 */
export function deploymentBaseUrl(authUrl: string | undefined, headers: Pick<Headers, "get">): string {
  const configured = authUrl?.trim();
  if (configured) {
    try {
      const url = new URL(configured);
      // Auth.js also accepts the full auth path (…/api/auth): the app lives above it.
      return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/api\/auth$/, "")}`;
    } catch {
      // Not a URL: fall back to the request.
    }
  }
  const first = (name: string) => headers.get(name)?.split(",")[0]?.trim() || null;
  const host = first("x-forwarded-host") ?? first("host") ?? "localhost:3000";
  const forwardedProto = first("x-forwarded-proto");
  const proto = forwardedProto === "http" || forwardedProto === "https" ? forwardedProto : /^(localhost|127\.|\[::1\])/.test(host) ? "http" : "https";
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return "http://localhost:3000";
  }
}
