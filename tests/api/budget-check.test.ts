import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetReservations } from "@/db/schema";
import { clearApiTokenCache } from "@/lib/api-tokens/authenticate";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { currentPeriod } from "@/lib/budgets/periods";
import { costOf } from "@/lib/pricing/price-book";
import { session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";
import { extraToken, getWith, postJson, userWithToken } from "./track-support";

/**
 * GET /api/budget/check against a real database: the same decision the gateway's reservation would make now (input
 * and at least one output token must fit every enforced budget; the output is clamped), from the same ledger the
 * settings page reads, tracked spend included — and nothing is reserved.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST: track } = await import("@/app/api/track/route");
const { GET: check } = await import("@/app/api/budget/check/route");

const db = freshDatabasePerFile();

interface Check {
  allowed: boolean;
  reason: string | null;
  remaining_nano: number | null;
  remaining_tokens: number | null;
  resets_at: string | null;
  max_output_tokens: number | null;
  estimated_cost_nano: number | null;
  model: { provider: string; model: string; priced: boolean } | null;
  limits: { name: string; kind: string; limit: number; used: number; remaining: number }[];
  error?: { code: string; message: string };
}

async function ask(query: string, token?: string): Promise<{ status: number; body: Check; headers: Headers }> {
  const response = await check(getWith(`/api/budget/check${query ? `?${query}` : ""}`, token));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function spend(token: string, usd: string) {
  const response = await track(postJson("/api/track", { model_name: "gpt-4o-mini", cost_usd: usd }, token));
  expect((await response.json()).accepted).toBe(1);
}

const budget = (userId: string, monthlyCostLimitNano: number, mode: "enforce" | "warn" = "enforce") =>
  upsertBudget({ userId, source: "user", values: { monthlyCostLimitNano, dailyCostLimitNano: null, monthlyTokenLimit: null, mode, alertThresholds: [] } });

beforeEach(() => {
  clearApiTokenCache();
  session.current = null;
});

describe("GET /api/budget/check", () => {
  it("allows any call without a budget, and prices the estimate at the model's price", async () => {
    const { token } = await userWithToken(["track"]);
    const { status, body } = await ask("model=gpt-4o-mini&estimated_tokens=1000&max_output_tokens=500", token);
    expect(status).toBe(200);
    const input = costOf("openai", "gpt-4o-mini", { inputNoCache: 1_000, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
    const output = costOf("openai", "gpt-4o-mini", { inputNoCache: 0, cacheRead: 0, cacheWrite: 0, output: 500, reasoning: 0 });
    expect(body).toMatchObject({ allowed: true, reason: null, remaining_nano: null, max_output_tokens: 500, model: { provider: "openai", model: "gpt-4o-mini", priced: true }, limits: [] });
    expect(body.estimated_cost_nano).toBe((input.priced ? input.costNanoUsd : NaN) + (output.priced ? output.costNanoUsd : NaN));
  });

  it("says what is left, clamps the output to it, and refuses a call that does not fit — counting tracked spend, reserving nothing", async () => {
    const { user, token } = await userWithToken(["track"]);
    await budget(user.id, 1_000_000_000);
    const fresh = await ask("model=gpt-4o-mini&estimated_tokens=1000", token);
    expect(fresh.body).toMatchObject({ allowed: true, remaining_nano: 1_000_000_000, max_output_tokens: 4096 });
    expect(fresh.body.resets_at).toBe(currentPeriod("month", user.timeZone ?? "UTC").end.toISOString());

    await spend(token, "0.999");
    const left = await ask("model=gpt-4o-mini&estimated_tokens=1000&max_output_tokens=1000000", token);
    expect(left.body.allowed).toBe(true);
    expect(left.body.remaining_nano).toBe(1_000_000);
    // $0.001 left: 1,000 input tokens at $0.15/MTok ($0.00015), the rest buys (0.001 - 0.00015) / 0.6 per MTok of output.
    expect(left.body.max_output_tokens).toBe(Math.floor(((1_000_000 - 150_000) * 1_000_000) / 600_000_000));

    const tooBig = await ask("model=gpt-4o-mini&estimated_tokens=10000000", token);
    expect(tooBig.body).toMatchObject({ allowed: false, remaining_nano: 1_000_000, max_output_tokens: 0 });
    expect(tooBig.body.reason).toMatch(/^Monthly budget reached: \$0\.999 of \$1\.00 used\. The \$0\.001 left does not cover this call\. It resets /);

    // Without a model: allowed while anything is left.
    expect((await ask("", token)).body).toMatchObject({ allowed: true, remaining_nano: 1_000_000, model: null });
    await spend(token, "0.001");
    const spent = await ask("", token);
    expect(spent.body).toMatchObject({ allowed: false, remaining_nano: 0 });
    expect(spent.body.reason).toMatch(/Monthly budget reached/);
    expect(await db.current().db.select().from(budgetReservations).where(eq(budgetReservations.userId, user.id))).toEqual([]);
  });

  it("never blocks on a warn budget, nor a model without a price (cost limits cannot hold it back)", async () => {
    const { user, token } = await userWithToken(["track"]);
    await budget(user.id, 1_000, "warn");
    await spend(token, "0.5");
    expect((await ask("model=gpt-4o-mini&estimated_tokens=1000", token)).body).toMatchObject({ allowed: true, remaining_nano: null });
    await budget(user.id, 1_000, "enforce");
    expect((await ask("model=gpt-4o-mini&estimated_tokens=1000", token)).body.allowed).toBe(false);
    const unpriced = await ask("model=my-own-model&estimated_tokens=1000", token);
    expect(unpriced.body).toMatchObject({ allowed: true, model: { provider: "openai-compatible", model: "my-own-model", priced: false }, estimated_cost_nano: null });
  });

  it("counts a token's own monthly budget for that token's calls (both it and the user's budgets apply)", async () => {
    const { user, token } = await userWithToken(["track"]);
    const { token: capped } = await createApiToken(user, { name: "CI", scopes: ["track"], expiresOn: null, defaultFeature: null, monthlyUsd: 500_000_000 });
    await budget(user.id, 10_000_000_000);
    await spend(token, "2");
    await spend(capped, "0.3");
    const viaCapped = await ask("model=gpt-4o-mini&estimated_tokens=1000", capped);
    expect(viaCapped.body).toMatchObject({ allowed: true, remaining_nano: 200_000_000 });
    expect(viaCapped.body.limits.find((l) => l.name.includes("“CI”"))).toMatchObject({ limit: 500_000_000, used: 300_000_000, remaining: 200_000_000 });
    // The other token and a session see only the user's budget.
    expect((await ask("model=gpt-4o-mini&estimated_tokens=1000", token)).body.remaining_nano).toBe(10_000_000_000 - 2_300_000_000);
    const tracked = await track(postJson("/api/track", { model_name: "gpt-4o-mini", cost_usd: "0.2" }, capped));
    expect((await tracked.json()).budget).toMatchObject({ allowed: false, remaining_nano: 0 });
    const refused = await ask("model=gpt-4o-mini&estimated_tokens=1000", capped);
    expect(refused.body.allowed).toBe(false);
    expect(refused.body.reason).toMatch(/^Monthly budget of the API token “CI” reached: \$0\.50 of \$0\.50 used\./);
  });

  it("answers a session and a token of any scope; 401 with WWW-Authenticate to nobody; 400 for a bad number", async () => {
    const { user, token } = await userWithToken(["track"]);
    for (const scopes of [["read"], ["gateway"]] as const) expect((await ask("model=gpt-4o-mini", await extraToken(user, [...scopes]))).status).toBe(200);
    const nobody = await ask("model=gpt-4o-mini");
    expect(nobody.status).toBe(401);
    expect(nobody.body.error!.code).toBe("invalid_token");
    expect(nobody.headers.get("www-authenticate")).toBe('Bearer realm="spendboard"');
    signIn(user);
    expect((await ask("model=gpt-4o-mini&estimated_tokens=5")).status).toBe(200);
    const bad = await ask("model=gpt-4o-mini&estimated_tokens=lots", token);
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toMatch(/^estimated_tokens: /);
  });
});
