import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { revokeApiToken, touchApiTokenLastUsed } from "@/db/queries/api-tokens";
import { apiTokens, users, type ApiTokenScope } from "@/db/schema";
import { apiTokenCache, authenticateApiToken, clearApiTokenCache, readApiToken, wwwAuthenticate } from "@/lib/api-tokens/authenticate";
import { hashApiToken } from "@/lib/api-tokens/token";
import { createApiToken, revokeOwnApiToken } from "@/lib/api-tokens/tokens";
import { AppError } from "@/lib/errors";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * authenticateApiToken against a real database: Bearer and x-api-key, scopes (403), and every way a token stops
 * working (401 with a WWW-Authenticate value): unknown, malformed, revoked, expired, its user disabled. Revocation in
 * another process (the cache is not told) takes effect within a second; last_used_at is written at most once a minute.
 */

const db = freshDatabasePerFile();

beforeEach(() => {
  clearApiTokenCache();
  apiTokenCache.ttlMs = 1_000;
});

async function tokenFor(user: { id: string; email: string; timeZone: string | null }, scopes: ApiTokenScope[] = ["gateway"], expiresOn: string | null = null, now?: Date) {
  return createApiToken(user, { name: "test token", scopes, expiresOn, defaultFeature: null, monthlyUsd: null }, now);
}

const bearer = (token: string) => new Request("http://localhost/api/v1/chat/completions", { headers: { authorization: `Bearer ${token}` } });
const apiKey = (token: string) => new Request("http://localhost/api/anthropic/v1/messages", { headers: { "x-api-key": token } });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const row = async (id: string) => (await db.current().db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0]!;

describe("authenticateApiToken", () => {
  it("accepts the token as Authorization: Bearer and as x-api-key, and returns its user and token", async () => {
    const user = await newUser("tok");
    const { token, view } = await tokenFor(user);
    const viaBearer = await authenticateApiToken(bearer(token), { scope: "gateway" });
    expect(viaBearer.user.id).toBe(user.id);
    expect(viaBearer.token.id).toBe(view.id);
    expect(viaBearer.token).not.toHaveProperty("tokenHash");
    clearApiTokenCache();
    const viaKey = await authenticateApiToken(apiKey(token), { scope: "gateway" });
    expect(viaKey.user.id).toBe(user.id);
    // Headers alone work too; "bearer" is case-insensitive.
    expect((await authenticateApiToken(new Headers({ authorization: `bearer  ${token} ` }), { scope: "gateway" })).token.id).toBe(view.id);
  });

  it("reads Bearer before x-api-key and ignores other schemes", () => {
    expect(readApiToken(new Headers({ authorization: "Bearer a", "x-api-key": "b" }))).toBe("a");
    expect(readApiToken(new Headers({ authorization: "Basic Zm9vOmJhcg==", "x-api-key": "b" }))).toBe("b");
    expect(readApiToken(new Headers({ authorization: "Basic Zm9vOmJhcg==" }))).toBeNull();
    expect(readApiToken(new Headers({ "x-api-key": "   " }))).toBeNull();
  });

  it("refuses a missing, malformed or unknown token with 401 invalid_token and a WWW-Authenticate value", async () => {
    const missing = await refusal(authenticateApiToken(new Request("http://localhost/x"), { scope: "gateway" }));
    expect(missing).toMatchObject({ code: "invalid_token", status: 401 });
    expect(missing.message).toMatch(/Authorization: Bearer/);
    expect(wwwAuthenticate(missing)).toBe('Bearer realm="spendboard"');

    for (const bad of ["nonsense", "sb_short", `sb_${"A".repeat(43)}`, `sk-${"a".repeat(40)}`]) {
      const error = await refusal(authenticateApiToken(bearer(bad), { scope: "gateway" }));
      expect(error).toMatchObject({ code: "invalid_token", status: 401 });
      expect(wwwAuthenticate(error)).toBe('Bearer realm="spendboard", error="invalid_token"');
    }
    expect(wwwAuthenticate(new AppError("not_found"))).toBeNull();
  });

  it("refuses a token without the scope with 403 insufficient_scope naming it", async () => {
    const user = await newUser("tok");
    const { token } = await tokenFor(user, ["track", "read"]);
    expect((await authenticateApiToken(bearer(token), { scope: "track" })).user.id).toBe(user.id);
    expect((await authenticateApiToken(bearer(token), { scope: "read" })).user.id).toBe(user.id);
    const error = await refusal(authenticateApiToken(bearer(token), { scope: "gateway" }));
    expect(error).toMatchObject({ code: "insufficient_scope", status: 403 });
    expect(error.message).toContain("“gateway”");
    expect(wwwAuthenticate(error)).toBe('Bearer realm="spendboard", error="insufficient_scope", scope="gateway"');
  });

  it("refuses a revoked token at once when revoked in this process", async () => {
    const user = await newUser("tok");
    const { token, view } = await tokenFor(user);
    await authenticateApiToken(bearer(token), { scope: "gateway" }); // cached now
    await revokeOwnApiToken(user, view.id);
    const error = await refusal(authenticateApiToken(bearer(token), { scope: "gateway" }));
    expect(error).toMatchObject({ code: "invalid_token", status: 401 });
  });

  it("refuses a token revoked elsewhere (the cache not told) within a second", async () => {
    const user = await newUser("tok");
    const { token, view } = await tokenFor(user);
    await authenticateApiToken(bearer(token), { scope: "gateway" }); // cached now
    const revokedAt = Date.now();
    expect(await revokeApiToken({ id: view.id, userId: user.id, revokedBy: user.id, now: new Date() })).toBeDefined();
    let error: AppError | null = null;
    while (!error) {
      error = await authenticateApiToken(bearer(token), { scope: "gateway" }).then(
        () => null,
        (e: AppError) => e,
      );
      if (!error) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A second, plus this loop's 50 ms step and one lookup's time on a busy machine.
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(1_000 + 250);
    expect(error).toMatchObject({ code: "invalid_token", status: 401 });
  });

  it("refuses an expired token (401), and accepts it until its day ends in the user's time zone", async () => {
    const user = await newUser("tok");
    await db.current().db.update(users).set({ timeZone: "America/New_York" }).where(eq(users.id, user.id));
    const created = new Date("2027-03-10T15:00:00Z");
    const { token, view } = await tokenFor({ ...user, timeZone: "America/New_York" }, ["gateway"], "2027-03-12", created);
    // The end of 2027-03-12 in New York (EDT from 2027-03-14; EST, UTC-5, on the 12th).
    expect(view.expiresAt).toBe("2027-03-13T05:00:00.000Z");
    const before = new Date("2027-03-13T04:59:59Z");
    expect((await authenticateApiToken(bearer(token), { scope: "gateway", now: before })).user.id).toBe(user.id);
    const after = new Date("2027-03-13T05:00:00Z");
    const error = await refusal(authenticateApiToken(bearer(token), { scope: "gateway", now: after }));
    expect(error).toMatchObject({ code: "invalid_token", status: 401 });
    // Not from a cached entry either.
    clearApiTokenCache();
    expect(await refusal(authenticateApiToken(bearer(token), { scope: "gateway", now: after }))).toMatchObject({ status: 401 });
  });

  it("stops a disabled user's tokens (within a second, even if cached) and works again when they are enabled", async () => {
    const user = await newUser("tok");
    const { token } = await tokenFor(user, ["read"]);
    await authenticateApiToken(bearer(token), { scope: "read" });
    await db.current().db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect(await refusal(authenticateApiToken(bearer(token), { scope: "read" }))).toMatchObject({ code: "invalid_token", status: 401 });
    await db.current().db.update(users).set({ disabledAt: null }).where(eq(users.id, user.id));
    expect((await authenticateApiToken(bearer(token), { scope: "read" })).user.id).toBe(user.id);
  });

  it("writes last_used_at at most once a minute per token", async () => {
    const user = await newUser("tok");
    const { token, view } = await tokenFor(user);
    expect((await row(view.id)).lastUsedAt).toBeNull();
    const t0 = new Date("2027-05-01T12:00:00.000Z");
    await authenticateApiToken(bearer(token), { scope: "gateway", now: t0 });
    await waitForBackgroundWork(); // (written off the request path)
    expect((await row(view.id)).lastUsedAt?.toISOString()).toBe(t0.toISOString());
    await authenticateApiToken(bearer(token), { scope: "gateway", now: new Date(t0.getTime() + 30_000) });
    await authenticateApiToken(bearer(token), { scope: "gateway", now: new Date(t0.getTime() + 59_999) });
    await waitForBackgroundWork();
    expect((await row(view.id)).lastUsedAt?.toISOString()).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + 60_001);
    await authenticateApiToken(bearer(token), { scope: "gateway", now: t1 });
    await waitForBackgroundWork();
    expect((await row(view.id)).lastUsedAt?.toISOString()).toBe(t1.toISOString());

    // The database guard alone (another process, its own memory): no write within the minute, one after it.
    expect(await touchApiTokenLastUsed({ id: view.id, now: new Date(t1.getTime() + 1_000) })).toBe(false);
    expect(await touchApiTokenLastUsed({ id: view.id, now: new Date(t1.getTime() + 61_000) })).toBe(true);
    expect((await row(view.id)).lastUsedAt?.toISOString()).toBe(new Date(t1.getTime() + 61_000).toISOString());
  });

  it("finds a token by the SHA-256 of the whole token only", async () => {
    const user = await newUser("tok");
    const { token, view } = await tokenFor(user);
    expect((await row(view.id)).tokenHash).toBe(hashApiToken(token));
    expect(hashApiToken(token)).toMatch(/^[0-9a-f]{64}$/);
    // One character changed: refused.
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(await refusal(authenticateApiToken(bearer(token.slice(0, -1) + last), { scope: "gateway" }))).toMatchObject({ status: 401 });
  });
});
