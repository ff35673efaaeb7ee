import { describe, expect, it } from "vitest";
import { authRedirect, safeReturnPath, sameOriginPath } from "./return-path";

const once = (v: string) => encodeURIComponent(v);
const twice = (v: string) => encodeURIComponent(encodeURIComponent(v));

// Values that would leave the site (or run script) if a browser followed them as a Location or link.
const HOSTILE = [
  "/\t/evil.example/x",
  "/%09/evil.example",
  "/\\evil.example",
  "/\\\\evil.example",
  "\\\\evil.example",
  "//evil.example",
  "///evil.example",
  "//evil.example/%2F..",
  "https://evil.example",
  "https://evil.example/dashboard",
  "http:/\\evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/.//evil.example",
  "/a/..//evil.example",
  "/%2e%2e//evil.example",
  "/\n/evil.example",
  "/\u0000/evil.example",
  "%2F%2Fevil.example",
];

describe("return URL after sign-in: hostile values end on a same-origin path or the fallback", () => {
  const cases = HOSTILE.flatMap((value) => [
    [value, "as is"],
    [once(value), "encoded once"],
    [twice(value), "encoded twice"],
  ]);

  it.each(cases)("%j (%s)", (value) => {
    const result = safeReturnPath(value, "/fallback");
    // Whatever it gives must parse to the same origin as a path, from any base.
    const parsed = new URL(result, "https://app.example/some/page");
    expect(parsed.origin).toBe("https://app.example");
    expect(result.startsWith("/")).toBe(true);
    expect(result.startsWith("//")).toBe(false);
    expect(result).not.toMatch(/[\\\u0000-\u001f]/);
    expect(result).not.toMatch(/evil\.example/);
    expect(result).not.toMatch(/^\/?javascript:/i);
  });

  it.each(HOSTILE)("%j → the fallback", (value) => {
    expect(safeReturnPath(value, "/fallback")).toBe("/fallback");
  });
});

describe("return URL after sign-in: ordinary values", () => {
  it.each([
    ["/chat?c=1", "/chat?c=1"],
    ["/chat?c=1#m-2", "/chat?c=1#m-2"],
    ["/admin", "/admin"],
    ["/dashboard?range=7d&from=2026-01-01", "/dashboard?range=7d&from=2026-01-01"],
    ["/settings?tab=account", "/settings?tab=account"],
    ["/chat/../admin", "/admin"],
    ["/login", "/dashboard"],
    ["/login?callbackUrl=/admin", "/dashboard"],
    ["/register", "/dashboard"],
    ["/api/health", "/dashboard"],
    ["/api/auth/signout", "/dashboard"],
    ["/%61pi/health", "/dashboard"],
    [once("/api/health"), "/%2Fapi%2Fhealth"], // one odd path segment on this site (a 404), not the API
    ["/%", "/dashboard"],
    ["", "/dashboard"],
    [undefined, "/dashboard"],
    [null, "/dashboard"],
    [42, "/dashboard"],
    [["/chat"], "/dashboard"],
    ["/" + "a".repeat(3000), "/dashboard"],
  ])("%j → %j", (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });
});

describe("Auth.js redirects (absolute URLs on the app's own origin)", () => {
  const base = "http://localhost:3000";
  it.each([
    ["http://localhost:3000/chat?c=1", "/chat?c=1"],
    ["/login", "/login"],
    ["/chat", "/chat"],
    ["http://localhost:3001/chat", null],
    ["https://localhost:3000/chat", null],
    ["http://localhost:3000@evil.example/", null],
    ["https://evil.example", null],
    ["//evil.example", null],
    [once("//evil.example"), null],
    ["/\t/evil.example", null],
    ["javascript:alert(1)", null],
  ])("%j → %j", (input, expected) => {
    expect(sameOriginPath(input, base)).toBe(expected);
  });

  it("does not accept the app's origin without being told it", () => {
    expect(sameOriginPath("http://localhost:3000/chat")).toBeNull();
  });
});

describe("Auth.js redirect callback", () => {
  const baseUrl = "http://127.0.0.1:3100";
  it.each([
    ["/chat?c=1", "http://127.0.0.1:3100/chat?c=1"],
    ["http://127.0.0.1:3100/settings?tab=account", "http://127.0.0.1:3100/settings?tab=account"],
    ["/login", "http://127.0.0.1:3100/login"], // sign-out goes here
    ...HOSTILE.flatMap((v) => [v, once(v), twice(v)]).map((v) => [v, "http://127.0.0.1:3100/dashboard"]),
  ])("%j → %j", (url, expected) => {
    expect(authRedirect({ url, baseUrl })).toBe(expected);
  });
});
