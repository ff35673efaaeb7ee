import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as tokenQueries from "@/db/queries/api-tokens";
import { revokeApiToken } from "@/db/queries/api-tokens";
import { users } from "@/db/schema";
import { apiTokenCache, authenticateApiToken, clearApiTokenCache, forgetApiTokensOfUser } from "@/lib/api-tokens/authenticate";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { AppError } from "@/lib/errors";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The token lookup cache on a clock of its own (apiTokenCache.clock): a cached token is served without a query, an
 * entry is never trusted for a second or more, a revoked token or a disabled user's token stops within that second even
 * when the cache is not told, steady traffic refreshes the entry in the background before it runs out, and concurrent
 * requests share one lookup.
 */

const db = freshDatabasePerFile();
let clock = 0;
const realClock = apiTokenCache.clock;

beforeEach(() => {
  clearApiTokenCache();
  clock = 10_000;
  apiTokenCache.clock = () => clock;
});

afterEach(() => {
  apiTokenCache.clock = realClock;
  vi.restoreAllMocks();
});

const bearer = (token: string) => new Request("http://localhost/api/v1/chat/completions", { headers: { authorization: `Bearer ${token}` } });
const works = (token: string) =>
  authenticateApiToken(bearer(token), { scope: "gateway" }).then(
    () => true,
    (error: unknown) => {
      if (error instanceof AppError && error.code === "invalid_token") return false;
      throw error;
    },
  );

async function gatewayToken(prefix: string) {
  const user = await newUser(prefix);
  const { token, view } = await createApiToken(user, { name: "cache", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: null });
  return { user, token, id: view.id };
}

describe("API token cache", () => {
  it("serves a cached token without a query until its last 250 ms, then refreshes it in the background", async () => {
    const { token } = await gatewayToken("cache");
    const lookups = vi.spyOn(tokenQueries, "findActiveApiTokenByHash");
    expect(await works(token)).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(1);
    await waitForBackgroundWork(); // (the first use writes last_used_at)
    clock += 500;
    for (let i = 0; i < 20; i++) expect(await works(token)).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(1);
    // In the entry's last 250 ms: still served at once, one background lookup for the lot.
    clock += 300;
    expect(await Promise.all([works(token), works(token), works(token)])).toEqual([true, true, true]);
    expect(lookups).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(lookups.mock.results[1]?.type).toBe("return"));
    await lookups.mock.results[1]!.value;
    // The refreshed entry counts from its own lookup: 900 ms later it is still fresh.
    clock += 900;
    expect(await works(token)).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it("never trusts an entry for a second: concurrent requests then share one lookup", async () => {
    const { token } = await gatewayToken("cache");
    const lookups = vi.spyOn(tokenQueries, "findActiveApiTokenByHash");
    expect(await works(token)).toBe(true);
    clock += 1_000;
    expect(await Promise.all(Array.from({ length: 10 }, () => works(token)))).toEqual(Array(10).fill(true));
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it("a token revoked in another process (the cache not told) stops working once its entry is a second old", async () => {
    const { user, token, id } = await gatewayToken("cache");
    expect(await works(token)).toBe(true);
    expect(await revokeApiToken({ id, userId: user.id, revokedBy: user.id, now: new Date() })).toBeDefined();
    clock += 700; // still trusted (less than a second old, before its refresh window)
    expect(await works(token)).toBe(true);
    clock += 300; // 1,000 ms: not trusted any more
    expect(await works(token)).toBe(false);
    expect(await works(token)).toBe(false);
  });

  it("a revocation seen by the background refresh stops the token before the second is over", async () => {
    const { user, token, id } = await gatewayToken("cache");
    const lookups = vi.spyOn(tokenQueries, "findActiveApiTokenByHash");
    expect(await works(token)).toBe(true);
    await revokeApiToken({ id, userId: user.id, revokedBy: user.id, now: new Date() });
    clock += 800; // in the refresh window: served, and the refresh finds it revoked
    expect(await works(token)).toBe(true);
    await lookups.mock.results[1]!.value;
    clock += 10;
    expect(await works(token)).toBe(false);
  });

  it("a disabled user's token stops within a second, and at once when disabled through this process", async () => {
    const { user, token } = await gatewayToken("cache");
    expect(await works(token)).toBe(true);
    await db.current().db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    clock += 1_000;
    expect(await works(token)).toBe(false);

    // Enabled again, cached, then disabled "by the admin action" of this process: forgotten at once.
    await db.current().db.update(users).set({ disabledAt: null }).where(eq(users.id, user.id));
    expect(await works(token)).toBe(true);
    await db.current().db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    forgetApiTokensOfUser(user.id);
    expect(await works(token)).toBe(false);
  });

  it("a lookup that started before a revocation in this process does not put the old answer back in the cache", async () => {
    const { user, token, id } = await gatewayToken("cache");
    const { revokeOwnApiToken } = await import("@/lib/api-tokens/tokens");
    const first = works(token); // its lookup is under way
    await revokeOwnApiToken(user, id);
    await first; // whatever it answered (it may have read the row before the revocation)
    expect(await works(token)).toBe(false);
  });
});
