import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { isValidElement, type ReactElement } from "react";
import { renderToReadableStream } from "react-dom/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { linkOAuthAccount } from "@/db/queries/users";
import { alertWebhooks, auditLog, budgets, priceOverrides, systemKeyPolicy, users, type AuditLogRow } from "@/db/schema";
import { authenticateWithPassword, registerWithPassword, signInWithOAuth } from "@/lib/auth/accounts";
import { getCurrentUser } from "@/lib/auth/session";
import type { AuditPage } from "@/lib/dashboard/contract";
import { AppError } from "@/lib/errors";
import type { ActionState } from "@/lib/http/action";
import { getBudgetOverview } from "@/lib/settings/budget";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";
import { addKey, pointProvidersAt, postChat, recordSpend, session, signIn, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const userActions = await import("@/app/(app)/admin/users/[id]/actions");
const adminActions = await import("@/app/(app)/admin/actions");
const settingsActions = await import("@/app/(app)/settings/actions");
const auditRoute = await import("@/app/api/admin/audit/route");
const chatRoute = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => {
  pointProvidersAt(fake);
  session.current = null;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const PASSWORD = "password-123";

async function makeUser(role: "admin" | "user", prefix: string = role) {
  const user = await registerWithPassword({ email: `${prefix}-${randomUUID()}@example.test`, password: PASSWORD });
  await db.current().db.update(users).set({ role }).where(eq(users.id, user.id));
  return { ...user, role };
}

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}
type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string> = {}) => action({}, form(values));

const userRow = async (id: string) => (await db.current().db.select().from(users).where(eq(users.id, id)))[0]!;
const capOf = async (userId: string) =>
  (await db.current().db.select().from(budgets).where(and(eq(budgets.userId, userId), eq(budgets.source, "admin"))))[0];
const auditFor = (targetUserId: string) =>
  db.current().db.select().from(auditLog).where(eq(auditLog.targetUserId, targetUserId)).orderBy(desc(auditLog.createdAt), desc(auditLog.id));
const allAudit = () => db.current().db.select().from(auditLog).orderBy(desc(auditLog.createdAt), desc(auditLog.id));

/** Everything an admin action could change, as text, to prove a refused action changed nothing. */
async function snapshot(): Promise<string> {
  const d = db.current().db;
  const [u, b, a, p, s, w] = await Promise.all([
    d.select().from(users).orderBy(users.id),
    d.select().from(budgets).orderBy(budgets.userId, budgets.source),
    d.select().from(auditLog).orderBy(auditLog.id),
    d.select().from(priceOverrides).orderBy(priceOverrides.provider, priceOverrides.modelId),
    d.select().from(systemKeyPolicy).orderBy(systemKeyPolicy.provider),
    d.select().from(alertWebhooks).orderBy(alertWebhooks.scope),
  ]);
  return JSON.stringify({ u, b, a, p, s, w });
}

describe("admin actions refuse non-admins", () => {
  it("refuses every admin action to a member, a signed-out visitor and a disabled admin, and changes nothing", async () => {
    const admin = await makeUser("admin");
    const member = await makeUser("user", "member");
    const target = await makeUser("user", "target");
    const disabledAdmin = await makeUser("admin", "disabled-admin");
    signIn(admin);
    expect(await run(userActions.setCapAction, { userId: target.id, monthlyUsd: "10", mode: "enforce" })).toMatchObject({ ok: true });
    expect(await run(userActions.disableUserAction, { userId: disabledAdmin.id })).toMatchObject({ ok: true });
    expect(await run(adminActions.savePriceOverrideAction, { provider: "openai-compatible", modelId: "guarded-model", input: "1", output: "2" })).toMatchObject({ ok: true });
    expect(await run(adminActions.saveOrgWebhookAction, { url: "http://127.0.0.1:9/org-hook" })).toMatchObject({ ok: true });

    const attempts: [string, Action, Record<string, string>][] = [
      ["set cap", userActions.setCapAction, { userId: target.id, monthlyUsd: "1000", mode: "warn" }],
      ["clear cap", userActions.clearCapAction, { userId: target.id }],
      ["promote", userActions.setRoleAction, { userId: member.id, role: "admin" }],
      ["demote", userActions.setRoleAction, { userId: admin.id, role: "user" }],
      ["disable", userActions.disableUserAction, { userId: admin.id }],
      ["enable", userActions.enableUserAction, { userId: disabledAdmin.id }],
      ["save price override", adminActions.savePriceOverrideAction, { provider: "openai-compatible", modelId: "guarded-model", input: "0", output: "0" }],
      ["delete price override", adminActions.deletePriceOverrideAction, { provider: "openai-compatible", modelId: "guarded-model" }],
      ["system key policy", adminActions.setSystemKeyPolicyAction, { provider: "openai", allowUsers: "true" }],
      ["save org webhook", adminActions.saveOrgWebhookAction, { url: "http://127.0.0.1:9/stolen" }],
      ["delete org webhook", adminActions.deleteOrgWebhookAction, {}],
      ["test org webhook", adminActions.testOrgWebhookAction, {}],
    ];
    const before = await snapshot();
    for (const [who, as, message] of [
      ["member", member, "Only admins can do this."],
      ["signed out", null, "Sign in to continue."],
      ["disabled admin", disabledAdmin, "Sign in to continue."],
    ] as const) {
      session.current = as ? { user: { id: as.id } } : null;
      for (const [label, action, values] of attempts) {
        const result = await run(action, values);
        expect(result, `${who}: ${label}`).toEqual({ error: message, values: expect.any(Object) });
      }
    }
    expect(await snapshot()).toBe(before);

    // The audit API too.
    signIn(member);
    const refused = await auditRoute.GET(new Request("http://localhost/api/admin/audit"));
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("admin_required");
    session.current = null;
    expect((await auditRoute.GET(new Request("http://localhost/api/admin/audit"))).status).toBe(401);
  });
});

describe("caps", () => {
  it("sets a cap the user cannot raise, enforced by the ledger, with an audit row; then clears it", async () => {
    const admin = await makeUser("admin");
    const target = await makeUser("user", "capped");
    signIn(admin);
    const set = await run(userActions.setCapAction, { userId: target.id, monthlyUsd: "20", dailyUsd: "", monthlyTokens: "", mode: "enforce" });
    expect(set).toEqual({ ok: true, message: `Cap for ${target.email} set: $20.00/month (blocks).` });
    expect(await capOf(target.id)).toMatchObject({
      source: "admin",
      monthlyCostLimitNano: 20_000_000_000,
      dailyCostLimitNano: null,
      monthlyTokenLimit: null,
      mode: "enforce",
      alertThresholds: [50, 80, 100],
    });
    const [row] = await auditFor(target.id);
    expect(row).toMatchObject({
      actorId: admin.id,
      actorEmail: admin.email,
      action: "user.cap_set",
      targetUserId: target.id,
      targetEmail: target.email,
      details: { monthlyUsd: "20", mode: "enforce", previous: "none" },
    });

    // Changing it records what it was.
    await run(userActions.setCapAction, { userId: target.id, monthlyUsd: "1", dailyUsd: "0.5", monthlyTokens: "1,000,000", mode: "warn" });
    expect((await auditFor(target.id))[0]!.details).toEqual({
      monthlyUsd: "1",
      dailyUsd: "0.5",
      monthlyTokens: 1_000_000,
      mode: "warn",
      previous: "$20.00/month (blocks)",
    });
    await run(userActions.setCapAction, { userId: target.id, monthlyUsd: "1", mode: "enforce" });

    // The user's own budget form cannot touch it: a higher budget of their own leaves the cap in force.
    signIn(target);
    const own = { monthlyUsd: "100", dailyUsd: "", monthlyTokens: "", mode: "warn", alertThresholds: "50, 80, 100", timeZone: "UTC" };
    expect(await run(settingsActions.saveBudgetAction, { ...own, source: "admin", userId: target.id })).toMatchObject({ ok: true });
    expect(await capOf(target.id)).toMatchObject({ monthlyCostLimitNano: 1_000_000_000, mode: "enforce" });
    const overview = await getBudgetOverview(target.id, "UTC");
    expect(overview.limits.filter((l) => l.cap).map((l) => [l.kind, l.limit])).toEqual([["monthly_cost", 1_000_000_000]]);

    // And the ledger enforces it: $1 spent → the next chat request is refused, naming the admin's cap.
    await addKey(target.id, "openai");
    await recordSpend(target.id, 1_000_000_000);
    const refused = await postChat(chatRoute.POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("more?") });
    expect(refused.status).toBe(429);
    expect(refused.json!.error.message).toMatch(/^Monthly cap set by an admin reached/);

    // Cleared: the row goes, the audit row says what it was.
    signIn(admin);
    expect(await run(userActions.clearCapAction, { userId: target.id })).toEqual({ ok: true, message: `Cap for ${target.email} cleared.` });
    expect(await capOf(target.id)).toBeUndefined();
    expect((await auditFor(target.id))[0]).toMatchObject({ action: "user.cap_cleared", details: { previous: "$1.00/month (blocks)" } });
    expect(await run(userActions.clearCapAction, { userId: target.id })).toEqual({ error: `${target.email} has no cap.` });
  });

  it.each([
    [{ monthlyUsd: "-5" }, "monthlyUsd", /in dollars/],
    [{ monthlyUsd: "0" }, "monthlyUsd", /more than \$0/],
    [{ monthlyUsd: "", dailyUsd: "", monthlyTokens: "" }, "monthlyUsd", /at least one limit/],
    [{ monthlyTokens: "1.5" }, "monthlyTokens", /whole number/],
    [{ mode: "panic" }, "mode", /blocks requests or only warns/],
  ])("refuses cap %j with a reason beside %s and saves nothing", async (change, field, message) => {
    const admin = await makeUser("admin");
    const target = await makeUser("user");
    signIn(admin);
    const result = await run(userActions.setCapAction, { userId: target.id, monthlyUsd: "20", mode: "enforce", ...change });
    expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(await capOf(target.id)).toBeUndefined();
    expect(await auditFor(target.id)).toHaveLength(0);
  });

  it("answers an unknown or malformed user id as not existing", async () => {
    signIn(await makeUser("admin"));
    for (const userId of [randomUUID(), "not-a-uuid", ""]) {
      for (const action of [userActions.setCapAction, userActions.clearCapAction, userActions.setRoleAction, userActions.disableUserAction, userActions.enableUserAction]) {
        const result = await run(action, { userId, monthlyUsd: "5", mode: "enforce", role: "user" });
        expect(result.error, `${action.name} ${userId}`).toBe("That user does not exist.");
      }
    }
  });
});

describe("roles", () => {
  it("promotes and demotes with audit rows; the role takes effect at the next request", async () => {
    const admin = await makeUser("admin");
    const member = await makeUser("user", "promoted");
    signIn(admin);
    expect(await run(userActions.setRoleAction, { userId: member.id, role: "admin" })).toEqual({ ok: true, message: `${member.email} is now an admin.` });
    expect((await userRow(member.id)).role).toBe("admin");
    expect((await auditFor(member.id))[0]).toMatchObject({ action: "user.role_changed", actorEmail: admin.email, details: { from: "user", to: "admin" } });

    // Unchanged: no audit row.
    expect(await run(userActions.setRoleAction, { userId: member.id, role: "admin" })).toEqual({ ok: true, message: `${member.email} is already an admin.` });
    expect(await auditFor(member.id)).toHaveLength(1);

    // The new admin may now act; demoted again, they may not.
    signIn(member);
    const audit = await auditRoute.GET(new Request("http://localhost/api/admin/audit"));
    expect(audit.status).toBe(200);
    signIn(admin);
    await run(userActions.setRoleAction, { userId: member.id, role: "user" });
    expect((await auditFor(member.id))[0]!.details).toEqual({ from: "admin", to: "user" });
    signIn(member);
    expect((await auditRoute.GET(new Request("http://localhost/api/admin/audit"))).status).toBe(403);
    expect((await run(userActions.setRoleAction, { userId: member.id, role: "admin" })).error).toBe("Only admins can do this.");

    signIn(admin);
    expect((await run(userActions.setRoleAction, { userId: member.id, role: "owner" })).fieldErrors?.role?.[0]).toMatch(/Choose a role/);
  });

  it("the last enabled admin cannot demote themselves; with another admin they can", async () => {
    const last = await makeUser("admin", "last-admin");
    // Every other admin in this file's database steps aside, and one disabled admin remains (it does not count).
    await db.current().db.execute(sql`update users set role = 'user' where role = 'admin' and id <> ${last.id}`);
    const dormant = await makeUser("admin", "dormant-admin");
    await db.current().db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, dormant.id));

    signIn(last);
    const refused = await run(userActions.setRoleAction, { userId: last.id, role: "user" });
    expect(refused.error).toBe("You are the last admin: make someone else an admin before you step down.");
    expect((await userRow(last.id)).role).toBe("admin");
    expect(await auditFor(last.id)).toHaveLength(0);

    const successor = await makeUser("user", "successor");
    expect(await run(userActions.setRoleAction, { userId: successor.id, role: "admin" })).toMatchObject({ ok: true });
    expect(await run(userActions.setRoleAction, { userId: last.id, role: "user" })).toEqual({ ok: true, message: "You are now a member." });
    expect((await userRow(last.id)).role).toBe("user");
    expect((await auditFor(last.id))[0]).toMatchObject({ action: "user.role_changed", actorId: last.id, details: { from: "admin", to: "user" } });
    // The step-down took effect: a role change ends the former admin's session at once, and signed in again they are
    // a member.
    expect((await run(userActions.setRoleAction, { userId: last.id, role: "admin" })).error).toBe("Sign in to continue.");
    signIn(last);
    expect((await run(userActions.setRoleAction, { userId: last.id, role: "admin" })).error).toBe("Only admins can do this.");
  });
});

describe("disable and enable", () => {
  it("a disabled user cannot sign in, their session stops working, and enabling restores both", async () => {
    const admin = await makeUser("admin");
    const member = await makeUser("user", "disabled");
    await linkOAuthAccount({ userId: member.id, provider: "github", providerAccountId: `gh-${member.id}` });
    signIn(member);
    expect((await getCurrentUser())?.id).toBe(member.id);

    signIn(admin);
    expect(await run(userActions.disableUserAction, { userId: member.id })).toEqual({
      ok: true,
      message: `${member.email} is disabled: they can no longer sign in or use the API.`,
    });
    expect((await userRow(member.id)).disabledAt).toBeInstanceOf(Date);
    expect((await auditFor(member.id))[0]).toMatchObject({ action: "user.disabled", actorEmail: admin.email, targetEmail: member.email, details: { role: "user" } });
    expect((await run(userActions.disableUserAction, { userId: member.id })).error).toBe(`${member.email} is already disabled.`);

    // Their existing session (a still-valid cookie) reads as signed out everywhere.
    signIn(member);
    expect(await getCurrentUser()).toBeNull();
    const budget = { monthlyUsd: "5", dailyUsd: "", monthlyTokens: "", mode: "enforce", alertThresholds: "80", timeZone: "UTC" };
    expect((await run(settingsActions.saveBudgetAction, budget)).error).toBe("Sign in to continue.");
    const chat = await postChat(chatRoute.POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage("hi") });
    expect(chat.status).toBe(401);

    // Signing in again is refused with a reason, by password (right password) and by OAuth.
    const byPassword = authenticateWithPassword({ email: member.email, password: PASSWORD });
    await expect(byPassword).rejects.toBeInstanceOf(AppError);
    await expect(authenticateWithPassword({ email: member.email, password: PASSWORD })).rejects.toMatchObject({
      code: "account_disabled",
      message: expect.stringMatching(/^This account is disabled/),
    });
    await expect(signInWithOAuth({ provider: "github", providerAccountId: `gh-${member.id}`, email: member.email })).rejects.toMatchObject({ code: "account_disabled" });
    // A wrong password still says nothing about the account.
    expect(await authenticateWithPassword({ email: member.email, password: "wrong-password-1" })).toBeNull();

    signIn(admin);
    expect(await run(userActions.enableUserAction, { userId: member.id })).toEqual({ ok: true, message: `${member.email} is enabled again.` });
    expect((await auditFor(member.id))[0]).toMatchObject({ action: "user.enabled", details: { disabledSince: expect.any(String) } });
    expect((await run(userActions.enableUserAction, { userId: member.id })).error).toBe(`${member.email} is not disabled.`);
    expect((await authenticateWithPassword({ email: member.email, password: PASSWORD }))?.id).toBe(member.id);
    signIn(member);
    expect((await getCurrentUser())?.id).toBe(member.id);
  });

  it("an admin cannot disable themselves, but may disable another admin", async () => {
    const admin = await makeUser("admin");
    const other = await makeUser("admin", "other-admin");
    signIn(admin);
    expect((await run(userActions.disableUserAction, { userId: admin.id })).error).toBe("You cannot disable your own account.");
    expect((await run(userActions.disableUserAction, { userId: admin.id.toUpperCase() })).error).toBe("You cannot disable your own account.");
    expect((await userRow(admin.id)).disabledAt).toBeNull();
    expect(await auditFor(admin.id)).toHaveLength(0);

    expect(await run(userActions.disableUserAction, { userId: other.id })).toMatchObject({ ok: true });
    expect((await auditFor(other.id))[0]!.details).toEqual({ role: "admin" });
    signIn(other);
    expect((await run(userActions.enableUserAction, { userId: other.id })).error).toBe("Sign in to continue.");
  });
});

describe("audit rows for prices, system keys and API keys", () => {
  it("records price overrides and system-key policy changes", async () => {
    const admin = await makeUser("admin");
    signIn(admin);
    const model = `audited-${randomUUID().slice(0, 8)}`;
    await run(adminActions.savePriceOverrideAction, { provider: "openai-compatible", modelId: model, input: "0.15", output: "0.6", cacheRead: "", cacheWrite: "", note: "Negotiated" });
    await run(adminActions.deletePriceOverrideAction, { provider: "openai-compatible", modelId: model });
    const rows = (await allAudit()).filter((r) => r.details?.modelId === model);
    expect(rows.map((r) => [r.action, r.actorEmail, r.targetEmail, r.details])).toEqual([
      ["price_override.deleted", admin.email, null, { provider: "openai-compatible", modelId: model, inputUsdPerMTok: "0.15", outputUsdPerMTok: "0.6" }],
      ["price_override.saved", admin.email, null, { provider: "openai-compatible", modelId: model, inputUsdPerMTok: "0.15", outputUsdPerMTok: "0.6", note: "Negotiated" }],
    ]);

    const policyRows = async () => (await allAudit()).filter((r) => r.action === "system_key_policy.changed" && r.details?.provider === "google");
    await run(adminActions.setSystemKeyPolicyAction, { provider: "google", allowUsers: "true" });
    await run(adminActions.setSystemKeyPolicyAction, { provider: "google", allowUsers: "true" }); // no change, no row
    await run(adminActions.setSystemKeyPolicyAction, { provider: "google", allowUsers: "false" });
    expect((await policyRows()).map((r) => r.details)).toEqual([
      { provider: "google", from: "users may use it", to: "admins and background work only" },
      { provider: "google", from: "admins and background work only", to: "users may use it" },
    ]);
  });

  it("records a user's key additions, replacements and deletions with provider and last 4 only", async () => {
    const user = await makeUser("user", "key-owner");
    signIn(user);
    const first = `sk-test-audit-first-${randomUUID()}-Au1a`;
    const second = `sk-test-audit-second-${randomUUID()}-Au2b`;
    const compat = `sk-test-audit-compat-${randomUUID()}-Au3c`;
    expect(await run(settingsActions.saveKeyAction, { provider: "openai", apiKey: first })).toMatchObject({ ok: true });
    expect(await run(settingsActions.saveKeyAction, { provider: "openai", apiKey: second })).toMatchObject({ ok: true });
    expect(await run(settingsActions.saveKeyAction, { provider: "openai-compatible", name: "Gateway", baseUrl: fake.baseUrls.compat, apiKey: compat })).toMatchObject({ ok: true });
    const refused = `sk-test-invalid-audit-${randomUUID()}-Au4d`;
    expect((await run(settingsActions.saveKeyAction, { provider: "openai", apiKey: refused })).fieldErrors?.apiKey).toBeDefined();
    const keys = await db.current().db.execute(sql`select id, name from provider_keys where user_id = ${user.id}`);
    const gateway = (keys as unknown as { rows: { id: string; name: string }[] }).rows.find((k) => k.name === "Gateway")!;
    expect(await run(settingsActions.deleteKeyAction, { keyId: gateway.id })).toMatchObject({ ok: true });

    const rows = await auditFor(user.id);
    expect(rows.map((r: AuditLogRow) => [r.action, r.actorId, r.details])).toEqual([
      ["key.deleted", user.id, { provider: "openai-compatible", name: "Gateway", last4: "Au3c" }],
      ["key.added", user.id, { provider: "openai-compatible", name: "Gateway", last4: "Au3c", check: "valid" }],
      ["key.replaced", user.id, { provider: "openai", last4: "Au2b", previousLast4: "Au1a", check: "valid" }],
      ["key.added", user.id, { provider: "openai", last4: "Au1a", check: "valid" }],
    ]);
    const dump = JSON.stringify((await db.current().db.execute(sql`select t::text from audit_log t`)) as unknown);
    for (const key of [first, second, compat, refused]) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(0, -4));
    }
  });

  it("records the organisation webhook by host only", async () => {
    const admin = await makeUser("admin");
    signIn(admin);
    const secretPath = `/services/T000/B000/${randomUUID()}`;
    expect(await run(adminActions.saveOrgWebhookAction, { url: `https://hooks.example.test${secretPath}` })).toMatchObject({ ok: true });
    expect(await run(adminActions.saveOrgWebhookAction, { url: `https://hooks.example.test${secretPath}` })).toMatchObject({ ok: true }); // same: no row
    expect(await run(adminActions.deleteOrgWebhookAction, {})).toMatchObject({ ok: true });
    const rows = (await allAudit()).filter((r) => r.action.startsWith("org_webhook.") && r.actorId === admin.id);
    expect(rows.map((r) => [r.action, r.details])).toEqual([
      ["org_webhook.deleted", { host: "hooks.example.test" }],
      ["org_webhook.saved", { host: "hooks.example.test", previousHost: "127.0.0.1:9" }],
    ]);
    expect(JSON.stringify(rows)).not.toContain(secretPath);
    expect((await run(adminActions.deleteOrgWebhookAction, {})).error).toBe("There is no organisation webhook.");
  });
});

describe("GET /api/admin/audit", () => {
  it("lists newest first and pages with a cursor through every row exactly once", async () => {
    const admin = await makeUser("admin");
    signIn(admin);
    const all = await allAudit();
    expect(all.length).toBeGreaterThan(10);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const url = `http://localhost/api/admin/audit?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await auditRoute.GET(new Request(url));
      expect(response.status).toBe(200);
      const page = (await response.json()) as AuditPage;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(all.map((r) => r.id));

    const first = (await (await auditRoute.GET(new Request("http://localhost/api/admin/audit?cursor="))).json()) as AuditPage;
    expect(first.items[0]).toEqual({
      id: all[0]!.id,
      createdAt: all[0]!.createdAt.toISOString(),
      actorEmail: all[0]!.actorEmail,
      action: all[0]!.action,
      targetEmail: all[0]!.targetEmail,
      details: all[0]!.details,
    });
    for (const bad of ["limit=0", "limit=101", "limit=abc", "cursor=nonsense", "cursor=123|not-a-uuid"]) {
      const response = await auditRoute.GET(new Request(`http://localhost/api/admin/audit?${bad}`));
      expect(response.status, bad).toBe(400);
      expect((await response.json()).error.code).toBe("validation_failed");
    }
  });
});

/** Elements of a server component's returned tree (not rendered), depth first. */
function elementsOf(node: unknown): ReactElement<Record<string, unknown>>[] {
  if (Array.isArray(node)) return node.flatMap(elementsOf);
  if (!isValidElement(node)) return [];
  const element = node as ReactElement<Record<string, unknown>>;
  return [element, ...elementsOf(element.props.children)];
}
const named = (tree: unknown, name: string) => elementsOf(tree).filter((e) => typeof e.type === "function" && e.type.name === name);

describe("the admin page for one user", () => {
  it("is for admins only, 404s for an unknown id, and shows the user with their controls and dashboard", async () => {
    vi.stubEnv("__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS", "true"); // next.config.ts enables authInterrupts (forbidden())
    const { default: AdminUserPage } = await import("@/app/(app)/admin/users/[id]/page");
    const page = (id: string) => AdminUserPage({ params: Promise.resolve({ id }) });
    const admin = await makeUser("admin");
    const member = await makeUser("user", "page-member");

    signIn(member);
    await expect(page(member.id)).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });
    signIn(admin);
    await expect(page(randomUUID())).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
    await expect(page("not-a-user")).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;404" });

    await run(userActions.setCapAction, { userId: member.id, monthlyUsd: "12.5", mode: "warn" });
    await run(userActions.disableUserAction, { userId: member.id });
    const tree = await page(member.id);
    const [controls] = named(tree, "UserControls");
    expect(controls!.props).toEqual({
      user: { id: member.id, email: member.email, role: "user", disabledAt: expect.any(String) },
      cap: { monthlyUsd: "12.5", dailyUsd: "", monthlyTokens: "", mode: "warn" },
      isSelf: false,
      timeZone: "UTC",
    });
    expect(named(tree, "UsageDashboard")[0]!.props).toMatchObject({ apiBase: `/api/admin/users/${member.id}/usage` });
    const [changes] = named(tree, "AuditTable");
    expect((changes!.props.initial as AuditPage).items.map((i) => i.action)).toEqual(["user.disabled", "user.cap_set"]);
    const [email] = elementsOf(tree).filter((e) => e.props["data-testid"] === "user-email");
    expect(email!.props.children).toBe(member.email);

    const own = await page(admin.id);
    expect(named(own, "UserControls")[0]!.props).toMatchObject({ isSelf: true, cap: null });
  });
});

describe("the audit page", () => {
  it("shows the newest changes and the organisation webhook form to admins only", async () => {
    vi.stubEnv("__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS", "true");
    const { default: AdminAuditPage } = await import("@/app/(app)/admin/audit/page");
    signIn(await makeUser("user", "audit-reader"));
    await expect(AdminAuditPage()).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });

    const admin = await makeUser("admin", "audit-admin");
    const target = await makeUser("user", "audit-target");
    signIn(admin);
    await run(userActions.setCapAction, { userId: target.id, monthlyUsd: "7", mode: "enforce" });
    const stream = await renderToReadableStream(await AdminAuditPage());
    await stream.allReady;
    const html = await new Response(stream).text();
    expect(html).toContain("Audit log");
    expect(html).toMatch(new RegExp(`data-action="user.cap_set"[^]*?${admin.email}[^]*?Cap set[^]*?${target.email}[^]*?monthlyUsd`));
    expect(html).toContain("Organisation webhook for budget alerts");
    // The first 50 rows are rendered; "Load more" appears only when there are more.
    const total = (await allAudit()).length;
    expect(html.match(/data-testid="audit-row"/g)).toHaveLength(Math.min(total, 50));
    expect(html.includes('data-testid="audit-load-more"')).toBe(total > 50);
  });
});
