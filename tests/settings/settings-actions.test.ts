import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { budgets, providerKeys, userSettings } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import type { ActionState } from "@/lib/http/action";
import { listKeyViews } from "@/lib/settings/provider-keys";
import { getBudgetOverview } from "@/lib/settings/budget";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string } } }));
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth(session));

const actions = await import("@/app/(app)/settings/actions");
const db = freshDatabasePerFile();
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => {
  vi.stubEnv("OPENAI_BASE_URL", `${fake.url}/openai/v1`);
  vi.stubEnv("OPENAI_API_KEY", "");
});

async function signInNewUser() {
  const user = await registerWithPassword({ email: `s-${randomUUID()}@example.test`, password: "password-123" });
  session.current = { user: { id: user.id } };
  return user;
}

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string>) => action({}, form(values));

const keysOf = (userId: string) => db.current().db.select().from(providerKeys).where(eq(providerKeys.userId, userId));

describe("API keys", () => {
  it("checks a key with the provider, stores it encrypted and shows only its last 4", async () => {
    const user = await signInNewUser();
    const secret = "sk-test-settings-valid-key-7f3a";
    const result = await run(actions.saveKeyAction, { provider: "openai", apiKey: secret });
    expect(result).toMatchObject({ ok: true, values: { check: "valid" } });
    expect(result.message).toMatch(/^OpenAI key saved and verified \(\d+ models\)\.$/);
    expect(fake.requests.at(-1)).toMatchObject({ provider: "openai", method: "GET", path: "/models", authorization: `Bearer ${secret}` });

    const [row] = await keysOf(user.id);
    expect(row!.encryptedKey).toMatch(/^v1\./);
    expect(row!.encryptedKey).not.toContain(secret);
    expect(row!.keyLast4).toBe("7f3a");
    expect(row!.models).toContain("gpt-4o-mini");
    const [view] = await listKeyViews(user.id);
    expect(view).toMatchObject({ provider: "openai", last4: "7f3a", status: "valid" });
    expect(JSON.stringify(view)).not.toContain(secret);
  });

  it("shows the provider's reason for a rejected key and saves nothing", async () => {
    const user = await signInNewUser();
    const result = await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-invalid-key-0001" });
    expect(result.ok).toBeUndefined();
    expect(result.fieldErrors?.apiKey?.[0]).toMatch(/^OpenAI rejected this key: Incorrect API key provided/);
    expect(result.fieldErrors?.apiKey?.[0]).not.toContain("sk-test-invalid-key-0001");
    expect(JSON.stringify(result)).not.toContain("sk-test-invalid-key-0001");
    expect(await keysOf(user.id)).toHaveLength(0);
  });

  it("saves a key it cannot check as unverified", async () => {
    const user = await signInNewUser();
    vi.stubEnv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
    const result = await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-unreachable-0002" });
    expect(result.ok).toBe(true);
    expect(result.values?.check).toBe("unreachable");
    expect(result.message).toMatch(/saved, but not verified: Could not reach 127\.0\.0\.1:9/);
    const [row] = await keysOf(user.id);
    expect(row).toMatchObject({ status: "unverified", keyLast4: "0002", lastVerifiedAt: null });
  });

  it("replaces the key of a provider instead of adding a second one", async () => {
    const user = await signInNewUser();
    await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-first-key-1111" });
    await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-second-key-2222" });
    const rows = await keysOf(user.id);
    expect(rows.map((r) => r.keyLast4)).toEqual(["2222"]);
  });

  it("adds OpenAI-compatible endpoints by name and base URL, the key optional", async () => {
    const user = await signInNewUser();
    const ok = await run(actions.saveKeyAction, {
      provider: "openai-compatible",
      name: "Local gateway",
      baseUrl: `${fake.url}/openai/v1/`,
      apiKey: "sk-test-gateway-3333",
    });
    expect(ok).toMatchObject({ ok: true, values: { check: "valid" } });
    const [row] = await keysOf(user.id);
    expect(row).toMatchObject({ provider: "openai-compatible", name: "Local gateway", baseUrl: `${fake.url}/openai/v1` });
  });

  it.each([
    [{ provider: "openai-compatible", name: "x", baseUrl: "ftp://host/v1" }, "baseUrl", /http:\/\/ or https:\/\//],
    [{ provider: "openai-compatible", name: "x", baseUrl: "not a url" }, "baseUrl", /http:\/\/ or https:\/\//],
    [{ provider: "openai-compatible", name: "", baseUrl: "http://localhost:11434/v1" }, "name", /Give the endpoint a name/],
    [{ provider: "openai", apiKey: "sk test with spaces" }, "apiKey", /no spaces/],
    [{ provider: "openai", apiKey: "short" }, "apiKey", /too short/],
    [{ provider: "mistral", apiKey: "sk-test-whatever-0000" }, "provider", /Choose a provider/],
  ])("refuses %j with a reason beside %s", async (values, field, message) => {
    const user = await signInNewUser();
    const before = fake.requests.length;
    const result = await run(actions.saveKeyAction, values as Record<string, string>);
    expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(await keysOf(user.id)).toHaveLength(0);
    expect(fake.requests.length).toBe(before); // nothing was sent upstream
  });

  it("cannot delete another user's key: it looks like a missing one", async () => {
    const owner = await signInNewUser();
    await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-owner-key-4444" });
    const [ownerKey] = await keysOf(owner.id);

    await signInNewUser();
    const attempt = await run(actions.deleteKeyAction, { keyId: ownerKey!.id });
    expect(attempt.error).toBe("That key does not exist (it may have been deleted already).");
    expect(await keysOf(owner.id)).toHaveLength(1);
    expect(await run(actions.deleteKeyAction, { keyId: "not-a-uuid" })).toMatchObject({ error: expect.any(String) });

    session.current = { user: { id: owner.id } };
    expect(await run(actions.deleteKeyAction, { keyId: ownerKey!.id })).toMatchObject({ ok: true, message: "OpenAI key deleted." });
    expect(await keysOf(owner.id)).toHaveLength(0);
  });

  it("refuses everything to a signed-out visitor", async () => {
    session.current = null;
    const result = await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-anon-key-5555" });
    expect(result.error).toBe("Sign in to continue.");
  });
});

describe("budget", () => {
  const good = { monthlyUsd: "20", dailyUsd: "", monthlyTokens: "", mode: "enforce", alertThresholds: "50, 80, 100", timeZone: "Europe/Berlin" };

  it("saves a monthly budget in nano-USD with thresholds and time zone", async () => {
    const user = await signInNewUser();
    const result = await run(actions.saveBudgetAction, { ...good, dailyUsd: "2.50", monthlyTokens: "5,000,000", alertThresholds: "100, 50,80" });
    expect(result).toMatchObject({ ok: true, message: "Budget saved." });
    const [row] = await db.current().db.select().from(budgets).where(eq(budgets.userId, user.id));
    expect(row).toMatchObject({
      source: "user",
      monthlyCostLimitNano: 20_000_000_000,
      dailyCostLimitNano: 2_500_000_000,
      monthlyTokenLimit: 5_000_000,
      mode: "enforce",
      alertThresholds: [50, 80, 100],
    });
    const overview = await getBudgetOverview(user.id, "Europe/Berlin");
    expect(overview.limits.map((l) => [l.kind, l.limit, l.used])).toEqual([
      ["monthly_cost", 20_000_000_000, 0],
      ["daily_cost", 2_500_000_000, 0],
      ["monthly_tokens", 5_000_000, 0],
    ]);
  });

  it.each([
    [{ monthlyUsd: "-5" }, "monthlyUsd", /in dollars/],
    [{ monthlyUsd: "5000000" }, "monthlyUsd", /at most \$1,000,000/],
    [{ monthlyUsd: "0" }, "monthlyUsd", /more than \$0/],
    [{ dailyUsd: "abc" }, "dailyUsd", /in dollars/],
    [{ monthlyTokens: "1.5" }, "monthlyTokens", /whole number/],
    [{ alertThresholds: "0, 50" }, "alertThresholds", /from 1 to 100/],
    [{ alertThresholds: "50, 101" }, "alertThresholds", /from 1 to 100/],
    [{ mode: "panic" }, "mode", /blocks requests or only warns/],
    [{ timeZone: "Mars/Olympus" }, "timeZone", /time zone/],
  ])("refuses %j with a reason beside %s and saves nothing", async (change, field, message) => {
    const user = await signInNewUser();
    const result = await run(actions.saveBudgetAction, { ...good, ...change });
    expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(result.values).toMatchObject({ ...good, ...change });
    expect(await db.current().db.select().from(budgets).where(eq(budgets.userId, user.id))).toHaveLength(0);
  });

  it("only ever touches the signed-in user's budget", async () => {
    const a = await signInNewUser();
    await run(actions.saveBudgetAction, good);
    const b = await signInNewUser();
    // a form field naming another user is ignored: the user comes from the session
    await run(actions.saveBudgetAction, { ...good, monthlyUsd: "1", userId: a.id });
    const rows = await db.current().db.select().from(budgets).where(eq(budgets.userId, a.id));
    expect(rows[0]!.monthlyCostLimitNano).toBe(20_000_000_000);
    expect((await getBudgetOverview(b.id, null)).values.monthlyCostLimitNano).toBe(1_000_000_000);
  });
});

describe("default model", () => {
  it("needs a key for the model's provider", async () => {
    const user = await signInNewUser();
    const refused = await run(actions.setDefaultModelAction, { model: "anthropic:claude-sonnet-4-5" });
    expect(refused.error).toMatch(/Add an Anthropic key in Settings → API keys to use claude-sonnet-4-5\./);
    await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-model-key-6666" });
    expect(await run(actions.setDefaultModelAction, { model: "openai:gpt-4o-mini" })).toMatchObject({ ok: true });
    const [row] = await db.current().db.select().from(userSettings).where(eq(userSettings.userId, user.id));
    expect(row!.defaultModel).toBe("openai:gpt-4o-mini");
  });

  it("refuses models the provider does not list, malformed refs, and other users' endpoints", async () => {
    const owner = await signInNewUser();
    await run(actions.saveKeyAction, { provider: "openai-compatible", name: "Mine", baseUrl: `${fake.url}/openai/v1`, apiKey: "sk-test-endpoint-7777" });
    const [endpoint] = await keysOf(owner.id);
    expect(await run(actions.setDefaultModelAction, { model: `openai-compatible:${endpoint!.id}:my-own-model` })).toMatchObject({ ok: true });

    await signInNewUser();
    await run(actions.saveKeyAction, { provider: "openai", apiKey: "sk-test-model-key-8888" });
    expect((await run(actions.setDefaultModelAction, { model: "openai:gpt-99-imaginary" })).error).toMatch(/does not offer/);
    expect((await run(actions.setDefaultModelAction, { model: "nonsense" })).fieldErrors?.model?.[0]).toMatch(/not a model/);
    const stolen = await run(actions.setDefaultModelAction, { model: `openai-compatible:${endpoint!.id}:my-own-model` });
    expect(stolen.error).toMatch(/endpoint does not exist/);
  });
});

describe("plaintext keys never leave the server", () => {
  it("appear in no table of the database", async () => {
    await signInNewUser();
    const secret = "sk-test-plaintext-canary-ZQ9x";
    const result = await run(actions.saveKeyAction, { provider: "openai", apiKey: secret });
    expect(JSON.stringify(result)).not.toContain(secret);
    const tables = await db.current().db.execute(sql`select table_name from information_schema.tables where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE'`);
    const names = (tables as unknown as { rows: { table_name: string }[] }).rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(["users", "provider_keys", "budgets", "user_settings", "price_overrides"]));
    for (const name of names) {
      const schema = name === "__drizzle_migrations" ? "drizzle" : "public";
      const dump = await db.current().db.execute(sql.raw(`select t::text as row from "${schema}"."${name}" t`));
      const text = JSON.stringify((dump as unknown as { rows: unknown[] }).rows);
      expect(text, name).not.toContain(secret);
      expect(text, name).not.toContain(secret.slice(0, -4)); // nor any long prefix of it
    }
  });
});
