import { randomUUID } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import { createElement, type ReactElement, type ReactNode } from "react";
import { renderToReadableStream } from "react-dom/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { apiTokens, auditLog, users } from "@/db/schema";
import { authenticateApiToken, clearApiTokenCache } from "@/lib/api-tokens/authenticate";
import { hashApiToken } from "@/lib/api-tokens/token";
import type { ActionState } from "@/lib/http/action";
import { newUser, session, signIn } from "@/tests/support/chat";
import { resolveServerTree } from "@/tests/support/render";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * Settings → API tokens and the admin's revoke, through the real server actions (the signed-in user is set by the
 * test; everything after that is real): a token is shown once and only its hash is stored; bad input is the form's
 * error state, never a throw; nobody else can see or revoke a user's tokens; an admin can, with an audit row.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());
vi.mock("next/navigation", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/navigation")>()),
  useRouter: () => ({ push: () => undefined, replace: () => undefined, refresh: () => undefined, prefetch: () => undefined, back: () => undefined, forward: () => undefined }),
  usePathname: () => "/settings",
  useSearchParams: () => new URLSearchParams(),
}));

const { createApiTokenAction, revokeApiTokenAction } = await import("@/app/(app)/settings/api-token-actions");
const { adminRevokeApiTokenAction } = await import("@/app/(app)/admin/users/[id]/token-actions");
const db = freshDatabasePerFile();

beforeEach(() => {
  session.current = null;
  clearApiTokenCache();
});

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) for (const v of [value].flat()) data.append(name, v);
  return data;
}
const run = (action: Action, values: Record<string, string | string[]>) => action({}, form(values));

const VALID = { name: "CI", scopes: ["gateway", "read"], expiresOn: "", defaultFeature: "", monthlyUsd: "" };

async function create(user: { id: string }, values: Partial<typeof VALID> = {}) {
  signIn(user);
  const state = await run(createApiTokenAction, { ...VALID, ...values });
  expect(state, JSON.stringify(state)).toMatchObject({ ok: true });
  const token = state.values!.token!;
  const [row] = await db.current().db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashApiToken(token)));
  return { token, row: row! };
}

async function makeAdmin() {
  const admin = await newUser("admin");
  await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
  return admin;
}

async function renderHtml(node: ReactNode): Promise<string> {
  const stream = await renderToReadableStream((await resolveServerTree(node)) as ReactElement);
  await stream.allReady;
  return new Response(stream).text();
}

async function settingsTokensTab(): Promise<string> {
  const { default: SettingsPage } = await import("@/app/(app)/settings/page");
  return renderHtml(await SettingsPage({ params: Promise.resolve({}), searchParams: Promise.resolve({ tab: "tokens" }) } as never));
}

async function adminUserPage(userId: string): Promise<string> {
  const { default: AdminUserPage } = await import("@/app/(app)/admin/users/[id]/page");
  const { QueryProvider } = await import("@/components/providers/query-provider");
  return renderHtml(createElement(QueryProvider, null, await AdminUserPage({ params: Promise.resolve({ id: userId }) })));
}

describe("creating a token", () => {
  it("returns the token once, stores only its SHA-256 hash and a display prefix, and the token works", async () => {
    const user = await newUser("owner");
    signIn(user);
    const state = await run(createApiTokenAction, { ...VALID, name: "Claude Code", scopes: ["gateway", "track", "read", "gateway"], defaultFeature: "coding", monthlyUsd: "12.50" });
    expect(state).toMatchObject({ ok: true, values: { tokenName: "Claude Code" } });
    expect(state.message).toMatch(/will not be shown again/);
    const token = state.values!.token!;
    expect(token).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);

    const rows = await db.current().db.select().from(apiTokens).where(eq(apiTokens.userId, user.id));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      name: "Claude Code",
      prefix: `sb_…${token.slice(-4)}`,
      tokenHash: hashApiToken(token),
      scopes: ["gateway", "track", "read"],
      defaultFeature: "coding",
      monthlyBudgetNano: 12_500_000_000,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    // No plaintext anywhere in the database: every table dumped as text.
    const tables = (await db.current().db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)) as unknown as { rows: { tablename: string }[] };
    for (const { tablename } of tables.rows) {
      const dump = (await db.current().db.execute(sql.raw(`select coalesce(string_agg(t::text, E'\\n'), '') as dump from "${tablename}" t`))) as unknown as { rows: { dump: string }[] };
      expect(dump.rows[0]!.dump.includes(token.slice(3)), tablename).toBe(false);
      // (The dump is the real text of the rows: the token's table holds its hash.)
      if (tablename === "api_tokens") expect(dump.rows[0]!.dump).toContain(hashApiToken(token));
    }
    expect((await authenticateApiToken(new Headers({ authorization: `Bearer ${token}` }), { scope: "track" })).user.id).toBe(user.id);

    // Listed afterwards without the token: name, prefix, scopes, budget, status.
    const html = await settingsTokensTab();
    expect(html).toContain("Claude Code");
    expect(html).toContain(`sb_…${token.slice(-4)}`);
    expect(html).toContain("Gateway, Track, Read");
    expect(html).toContain("budget $12.50/month");
    expect(html).toContain(">active<");
    expect(html).not.toContain(token.slice(3, 20));

    const [audit] = await db.current().db.select().from(auditLog).where(eq(auditLog.targetUserId, user.id)).orderBy(desc(auditLog.createdAt));
    expect(audit).toMatchObject({ action: "api_token.created", actorId: user.id, details: { name: "Claude Code", prefix: row.prefix } });
  });

  it("answers bad input with the form's error for that field, never a throw, and stores nothing", async () => {
    const user = await newUser("bad");
    signIn(user);
    const cases: [string, Record<string, string | string[]>, string, RegExp][] = [
      ["empty name", { name: "   " }, "name", /name/i],
      ["NUL in the name", { name: "ci\u0000bot" }, "name", /cannot be stored/],
      ["a 200-character name", { name: "x".repeat(200) }, "name", /at most 80/],
      ["no scope", { scopes: [] }, "scopes", /at least one scope/],
      ["an unknown scope", { scopes: ["gateway", "admin"] }, "scopes", /gateway, track, read/],
      ["a file as a scope", { scopes: [] }, "scopes", /scope/],
      ["expiry in the past", { expiresOn: "2020-01-01" }, "expiresOn", /past/],
      ["expiry not a date", { expiresOn: "tomorrow" }, "expiresOn", /date/],
      ["expiry not a real day", { expiresOn: "2027-02-30" }, "expiresOn", /not a date/],
      ["a negative budget", { monthlyUsd: "-5" }, "monthlyUsd", /dollars/],
      ["a budget that is not a number", { monthlyUsd: "ten" }, "monthlyUsd", /dollars/],
      ["a zero budget", { monthlyUsd: "0" }, "monthlyUsd", /more than \$0/],
      ["a budget with NUL", { monthlyUsd: "1\u00000" }, "monthlyUsd", /cannot be stored/],
      ["a feature with odd characters", { defaultFeature: "a<b>" }, "defaultFeature", /letters/],
    ];
    for (const [label, values, field, message] of cases) {
      const data = form({ ...VALID, ...values });
      if (label === "a file as a scope") data.append("scopes", new Blob(["gateway"]));
      const state = await createApiTokenAction({}, data);
      expect(state.ok, label).toBeUndefined();
      expect(state.fieldErrors?.[field]?.join(" "), `${label}: ${JSON.stringify(state)}`).toMatch(message);
    }
    // Not a form at all.
    expect(await (createApiTokenAction as (...args: unknown[]) => Promise<ActionState>)({}, { name: "x" })).toMatchObject({ error: expect.any(String) });
    expect(await db.current().db.select().from(apiTokens).where(eq(apiTokens.userId, user.id))).toEqual([]);
  });

  it("accepts today as the expiry day (the token works until the day ends)", async () => {
    const user = await newUser("today");
    const today = new Date().toISOString().slice(0, 10); // the user has no time zone: UTC
    const { row } = await create(user, { expiresOn: today });
    expect(row.expiresAt!.getTime()).toBe(Date.parse(`${today}T00:00:00Z`) + 86_400_000);
  });

  it("refuses a signed-out visitor", async () => {
    const state = await run(createApiTokenAction, VALID);
    expect(state).toEqual({ error: "Sign in to continue.", fieldErrors: undefined, values: expect.any(Object) });
  });
});

describe("who may see and revoke a token", () => {
  it("lets the owner revoke it (after which it no longer works), once", async () => {
    const user = await newUser("owner");
    const { token, row } = await create(user);
    const state = await run(revokeApiTokenAction, { tokenId: row.id });
    expect(state).toMatchObject({ ok: true });
    const after = (await db.current().db.select().from(apiTokens).where(eq(apiTokens.id, row.id)))[0]!;
    expect(after.revokedAt).not.toBeNull();
    expect(after.revokedBy).toBe(user.id);
    await expect(authenticateApiToken(new Headers({ "x-api-key": token }), { scope: "gateway" })).rejects.toMatchObject({ status: 401 });
    expect(await run(revokeApiTokenAction, { tokenId: row.id })).toMatchObject({ error: expect.stringMatching(/already revoked/) });
    expect(await settingsTokensTab()).toContain(">revoked<");
  });

  it("does not let another user revoke or list someone's tokens", async () => {
    const owner = await newUser("owner");
    const other = await newUser("other");
    const { token, row } = await create(owner, { name: "owner-only-token" });
    signIn(other);
    expect(await run(revokeApiTokenAction, { tokenId: row.id })).toMatchObject({ error: "That token does not exist." });
    expect(await run(revokeApiTokenAction, { tokenId: randomUUID() })).toMatchObject({ error: "That token does not exist." });
    expect(await run(revokeApiTokenAction, { tokenId: "not-a-uuid" })).toMatchObject({ error: "That token does not exist." });
    // A member cannot use the admin's revoke either.
    expect(await run(adminRevokeApiTokenAction, { tokenId: row.id })).toMatchObject({ error: "Only admins can do this." });
    const html = await settingsTokensTab();
    expect(html).not.toContain("owner-only-token");
    expect(html).not.toContain(row.prefix);
    expect(html).toContain("No API tokens yet.");
    session.current = null;
    expect(await run(revokeApiTokenAction, { tokenId: row.id })).toMatchObject({ error: "Sign in to continue." });

    expect((await db.current().db.select().from(apiTokens).where(eq(apiTokens.id, row.id)))[0]!.revokedAt).toBeNull();
    expect((await authenticateApiToken(new Headers({ authorization: `Bearer ${token}` }), { scope: "gateway" })).user.id).toBe(owner.id);
  });

  it("lets an admin list any user's tokens and revoke one, with an audit row", async () => {
    const owner = await newUser("owner");
    const admin = await makeAdmin();
    const { token, row } = await create(owner, { name: "deploy-bot", monthlyUsd: "3" });
    signIn(admin);
    const page = await adminUserPage(owner.id);
    expect(page).toContain("deploy-bot");
    expect(page).toContain(row.prefix);
    expect(page).toContain("budget $3.00/month");

    const state = await run(adminRevokeApiTokenAction, { tokenId: row.id });
    expect(state).toMatchObject({ ok: true, message: `${owner.email}’s token “deploy-bot” revoked.` });
    const after = (await db.current().db.select().from(apiTokens).where(eq(apiTokens.id, row.id)))[0]!;
    expect(after.revokedBy).toBe(admin.id);
    const [audit] = await db.current().db.select().from(auditLog).where(eq(auditLog.action, "api_token.revoked")).orderBy(desc(auditLog.createdAt));
    expect(audit).toMatchObject({
      actorId: admin.id,
      actorEmail: admin.email,
      targetUserId: owner.id,
      targetEmail: owner.email,
      details: { name: "deploy-bot", prefix: row.prefix, by: "admin" },
    });
    expect(JSON.stringify(audit)).not.toContain(token.slice(3));
    await expect(authenticateApiToken(new Headers({ authorization: `Bearer ${token}` }), { scope: "gateway" })).rejects.toMatchObject({ status: 401 });
    expect(await run(adminRevokeApiTokenAction, { tokenId: row.id })).toMatchObject({ error: expect.stringMatching(/already revoked/) });
    expect(await run(adminRevokeApiTokenAction, { tokenId: randomUUID() })).toMatchObject({ error: "That token does not exist." });
    expect(await adminUserPage(owner.id)).toContain(">revoked<");
  });
});
