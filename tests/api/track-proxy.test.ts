import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";

/**
 * The proxy in front of the ingestion routes: without a session cookie it must let /api/track, /api/budget/check and
 * /api/usage/stats through to their handlers (which authenticate the token and answer 401 with WWW-Authenticate), while
 * other /api routes keep the session gate, and unknown methods still get the registry's 405.
 */

const request = (method: string, path: string, headers: Record<string, string> = {}) => new NextRequest(`http://localhost${path}`, { method, headers });
const passedThrough = (response: Response) => response.headers.get("x-middleware-next") === "1";

describe("proxy: token routes", () => {
  it("lets the ingestion routes through without a session, with or without a token", async () => {
    for (const [method, path] of [
      ["POST", "/api/track"],
      ["GET", "/api/budget/check"],
      ["GET", "/api/usage/stats"],
    ]) {
      expect(passedThrough(await proxy(request(method!, path!))), `${method} ${path}`).toBe(true);
      expect(passedThrough(await proxy(request(method!, path!, { authorization: "Bearer sb_x" }))), `${method} ${path} with a token`).toBe(true);
    }
  });

  it("keeps the session gate on the other usage routes and answers a wrong method with 405", async () => {
    const summary = await proxy(request("GET", "/api/usage/summary"));
    expect(summary.status).toBe(401);
    const wrong = await proxy(request("GET", "/api/track"));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST, OPTIONS");
  });
});
