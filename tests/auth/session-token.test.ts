import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { readSessionToken } from "@/lib/auth/session-token";
import { getAuthSecret } from "@/lib/server-env";

const NAME = "authjs.session-token";

async function tokenFor(claims: Record<string, unknown>, { salt = NAME, maxAge = 3600, secret = getAuthSecret() } = {}) {
  return encode({ token: claims, secret, salt, maxAge });
}

const jar = (cookies: Record<string, string>) => (name: string) => cookies[name];

describe("the session cookie reader (what getCurrentUser and the proxy decode)", () => {
  it("reads who, which session row and which session version from the cookie Auth.js issues", async () => {
    const userId = randomUUID();
    const sid = randomUUID();
    const value = await tokenFor({ sub: userId, role: "admin", sid, sv: 3 });
    const token = await readSessionToken(jar({ [NAME]: value }));
    expect(token).toMatchObject({ userId, role: "admin", sessionId: sid, sessionVersion: 3 });
    expect(token!.expires.getTime()).toBeGreaterThan(Date.now());
    // The https name (its own key-derivation salt).
    const secure = await tokenFor({ sub: userId, sid, sv: 0 }, { salt: `__Secure-${NAME}` });
    expect(await readSessionToken(jar({ [`__Secure-${NAME}`]: secure }))).toMatchObject({ userId, sessionId: sid, sessionVersion: 0 });
  });

  it("joins a cookie Auth.js split into chunks", async () => {
    const value = await tokenFor({ sub: randomUUID(), sid: randomUUID(), sv: 1 });
    const half = Math.floor(value.length / 2);
    expect(await readSessionToken(jar({ [`${NAME}.0`]: value.slice(0, half), [`${NAME}.1`]: value.slice(half) }))).not.toBeNull();
  });

  it("refuses tampered, foreign, expired and session-less tokens, and no cookie at all", async () => {
    const claims = { sub: randomUUID(), sid: randomUUID(), sv: 0 };
    const good = await tokenFor(claims);
    const tampered = good.slice(0, -4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await readSessionToken(jar({ [NAME]: tampered }))).toBeNull();
    expect(await readSessionToken(jar({ [NAME]: await tokenFor(claims, { secret: "another-secret-entirely-0123456789" }) }))).toBeNull();
    // Encoded under the http name but sent under the https one: another salt, so it does not decrypt.
    expect(await readSessionToken(jar({ [`__Secure-${NAME}`]: good }))).toBeNull();
    expect(await readSessionToken(jar({ [NAME]: await tokenFor({ sub: randomUUID() }) }))).toBeNull();
    expect(await readSessionToken(jar({ [NAME]: "not-a-token" }))).toBeNull();
    expect(await readSessionToken(jar({}))).toBeNull();
    // Expired: a token read while valid is not served from memory after its expiry.
    const short = await tokenFor({ sub: randomUUID(), sid: randomUUID(), sv: 0 }, { maxAge: 60 });
    expect(await readSessionToken(jar({ [NAME]: short }))).not.toBeNull();
    expect(await readSessionToken(jar({ [NAME]: short }), Date.now() + 61_000)).toBeNull();
  });
});
