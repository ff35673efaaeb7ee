import { and, eq } from "drizzle-orm";
import OpenAI from "openai";
import { describe, expect, it, vi } from "vitest";
import { upsertBudget } from "@/db/queries/settings";
import { budgetLedger, scopeLedger, usageEvents } from "@/db/schema";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { scopePeriodAt, tokenScope } from "@/lib/budgets/limits";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * An API token's own monthly budget: every gateway call made with the token reserves against it as well as against the
 * user's budgets (both apply), settles on the token's shared ledger row, refuses with the API's own 429 naming the
 * token's budget, and holds under parallel calls. Calls tracked with the token count toward it too.
 */

// /api/budget/check also takes a session; this file signs no one in.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const db = freshDatabasePerFile();
fakeLlmPerFile();

const completions = await import("@/app/api/v1/chat/completions/route");
const track = await import("@/app/api/track/route");
const budgetCheck = await import("@/app/api/budget/check/route");

function client(token: string, maxRetries = 0) {
  const fetch = async (input: string | URL | Request, init?: RequestInit) => completions.POST(new Request(input, init));
  return new OpenAI({ apiKey: token, baseURL: "http://app.test/api/v1", fetch: fetch as typeof globalThis.fetch, maxRetries });
}

async function tokenRow(tokenId: string) {
  const [row] = await db.current().db
    .select()
    .from(scopeLedger)
    .where(and(eq(scopeLedger.scope, tokenScope(tokenId)), eq(scopeLedger.periodStart, scopePeriodAt().start)));
  return row;
}

const ask = (text: string) => ({ model: "openai:gpt-4o-mini", max_tokens: 1000, messages: [{ role: "user" as const, content: text }] });

describe("an API token's own monthly budget", () => {
  it("holds the token's calls while the user's other tokens and budgets go on", async () => {
    const user = await newUser("token-budget");
    await addKey(user.id, "openai");
    // The user's own budget is generous; the token's is $0.0005 = 500,000 nano-USD.
    await upsertBudget({ userId: user.id, source: "user", values: { monthlyCostLimitNano: 1_000_000_000, dailyCostLimitNano: null, monthlyTokenLimit: null, mode: "enforce", alertThresholds: [] } });
    const limited = await createApiToken(user, { name: "nightly job", scopes: ["gateway", "track", "read"], expiresOn: null, defaultFeature: null, monthlyUsd: 500_000 });
    const free = await createApiToken(user, { name: "notebook", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: null });

    // 1,000 × 150 + 500 × 600 = 450,000 nano-USD: within the token's budget.
    const first = await client(limited.token).chat.completions.create(ask("Go [[reply:Done.]] [[usage:prompt=1000,completion=500]]"));
    expect(first.choices[0]!.message.content).toBe("Done.");
    await waitForBackgroundWork();
    expect(await tokenRow(limited.view.id)).toMatchObject({ spentNano: 450_000, reservedNano: 0 });

    // 50,000 left: the next call's output is clamped to what fits (50,000 − input) / 600 per token.
    const second = await client(limited.token).chat.completions.create(ask("More [[reply:ok]] [[usage:prompt=20,completion=1000]]"));
    expect(second.usage!.completion_tokens).toBeLessThan(84);
    await waitForBackgroundWork();
    const afterSecond = await tokenRow(limited.view.id);
    expect(afterSecond!.spentNano).toBeLessThanOrEqual(500_000);
    expect(afterSecond!.reservedNano).toBe(0);

    // Spend it to the last nano through /api/track (tracked calls count toward the token's budget and cannot be refused).
    const left = 500_000 - afterSecond!.spentNano;
    const tracked = await track.POST(
      new Request("http://app.test/api/track", {
        method: "POST",
        headers: { authorization: `Bearer ${limited.token}`, "content-type": "application/json" },
        body: JSON.stringify({ model_name: "gpt-4o-mini", provider: "openai", cost_usd: (left / 1e9).toFixed(9), event_id: "spend-the-rest" }),
      }),
    );
    expect(tracked.status).toBe(200);
    await waitForBackgroundWork();
    expect((await tokenRow(limited.view.id))!.spentNano).toBe(500_000);

    // Now the token is refused in OpenAI's format, naming its budget; the SDK does not retry.
    const error = await client(limited.token, 3).chat.completions.create(ask("Again [[reply:no]]")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("budget_exceeded");
    expect((error as Error).message).toMatch(/Monthly budget of the API token “nightly job” reached: \$0\.0005 of \$0\.0005 used\./);
    expect((error as Error).message).toMatch(/calls made with this API token/);

    // The budget check says so for that token.
    const check = await budgetCheck.GET(new Request("http://app.test/api/budget/check", { headers: { authorization: `Bearer ${limited.token}` } }));
    expect(await check.json()).toMatchObject({ allowed: false, reason: expect.stringMatching(/API token “nightly job”/) });

    // The user's other token is not under that budget.
    const other = await client(free.token).chat.completions.create(ask("Other [[reply:fine]] [[usage:prompt=10,completion=2]]"));
    expect(other.choices[0]!.message.content).toBe("fine");
    await waitForBackgroundWork();

    // Everything recorded is in the user's ledger, and each token's events add up to its row.
    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    const byToken = (id: string) => events.filter((e) => e.apiTokenId === id).reduce((sum, e) => sum + (e.costNano ?? 0), 0);
    expect(byToken(limited.view.id)).toBe(500_000);
    expect(await tokenRow(free.view.id)).toBeUndefined();
    const [month] = await db.current().db.select().from(budgetLedger).where(and(eq(budgetLedger.userId, user.id), eq(budgetLedger.periodKind, "month")));
    expect(month!.spentNano).toBe(events.reduce((sum, e) => sum + (e.costNano ?? 0), 0));
  });

  it("20 parallel calls against a token budget that fits 5 never overshoot it", async () => {
    const user = await newUser("token-budget-race");
    await addKey(user.id, "openai");
    // Each call reports 10 input and 1,000 output tokens (the most it may produce): 10×150 + 1,000×600 = 601,500 nano-USD.
    const perCall = 601_500;
    const limit = 5 * perCall;
    const { token, view: row } = await createApiToken(user, { name: "burst", scopes: ["gateway"], expiresOn: null, defaultFeature: null, monthlyUsd: limit });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => client(token).chat.completions.create(ask("go [[reply:Done.]] [[usage:prompt=10,completion=1000]]"))),
    );
    await waitForBackgroundWork();
    const answered = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.filter((r) => r.status === "rejected" && (r.reason as InstanceType<typeof OpenAI.APIError>).status === 429).length;
    expect(answered + refused).toBe(20);
    expect(answered).toBeGreaterThanOrEqual(4);
    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    const spent = events.reduce((sum, e) => sum + (e.costNano ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(limit);
    expect(await tokenRow(row.id)).toMatchObject({ spentNano: spent, reservedNano: 0 });
  });
});
