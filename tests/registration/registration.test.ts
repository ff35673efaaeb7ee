import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { isValidElement } from "react";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { saveRegistrationPolicy, type PolicyValues } from "@/db/queries/registration";
import { createTeam, getMembership } from "@/db/queries/teams";
import { auditLog, invitations, notifications, users } from "@/db/schema";
import { authenticateWithPassword, registerWithPassword, signInWithOAuth } from "@/lib/auth/accounts";
import { AppError } from "@/lib/errors";
import type { ActionState } from "@/lib/http/action";
import { hashInvitationToken } from "@/lib/registration/invitation-token";
import { listInvitationViews } from "@/lib/registration/invitations";
import { session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());
// The browser's cookies for this file's requests (the OAuth invitation cookie).
const jar = vi.hoisted(() => new Map<string, string>());
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "198.51.100.20" }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
}));

const settingsActions = await import("@/app/(app)/admin/settings/actions");
const approvalActions = await import("@/app/(app)/admin/users/approval-actions");
const authActions = await import("@/app/(auth)/actions");
const meRoute = await import("@/app/api/me/route");
const chatRoute = await import("@/app/api/chat/route");
const notificationsRoute = await import("@/app/api/notifications/route");
const db = freshDatabasePerFile();

const PASSWORD = "password-123";
let admin: { id: string; email: string };

type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.append(k, v);
  return data;
}
const run = (action: Action, values: Record<string, string> = {}) => action({}, form(values));

const email = (prefix: string, domain = "example.test") => `${prefix}-${randomUUID().slice(0, 8)}@${domain}`;
const register = (address: string, extra: Record<string, string> = {}) => registerWithPassword({ email: address, password: PASSWORD, ...extra });
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as AppError);
const userRow = async (id: string) => (await db.current().db.select().from(users).where(eq(users.id, id)))[0]!;
const userByEmail = async (address: string) => (await db.current().db.select().from(users).where(eq(users.email, address.toLowerCase())))[0];
const auditFor = async (action: string) => db.current().db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.createdAt));

async function setPolicy(values: Partial<PolicyValues>) {
  await saveRegistrationPolicy({ values: { mode: "open", allowedDomains: [], approvalRequired: false, ...values }, updatedBy: admin.id });
}

/** Creates an invitation through the admin action; returns its token (from the link shown once) and id. */
async function invite(values: Record<string, string> = {}): Promise<{ token: string; id: string }> {
  signIn(admin);
  const state = await run(settingsActions.createInvitationAction, values);
  session.current = null;
  expect(state.ok, JSON.stringify(state)).toBe(true);
  const link = state.values!.inviteLink!;
  expect(link).toMatch(/^\/register\?invite=inv_/);
  return { token: new URL(link, "http://x").searchParams.get("invite")!, id: state.values!.invitationId! };
}

/** The text in a server component's element tree (props.children all the way down, without rendering). */
function textOf(node: unknown): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join(" ");
  if (isValidElement(node)) {
    const props = node.props as Record<string, unknown>;
    return [props.title, props.subtitle, props.children].map(textOf).join(" ");
  }
  return "";
}

beforeAll(async () => {
  // The first account of this file's database: an admin, whatever the policy.
  admin = await register(email("admin"));
  expect(await userRow(admin.id)).toMatchObject({ role: "admin", status: "active" });
});

beforeEach(async () => {
  session.current = null;
  await setPolicy({});
});

describe("registration modes", () => {
  it("open: anyone registers, active", async () => {
    expect(await register(email("open"))).toMatchObject({ role: "user", status: "active" });
  });

  it("invite: refused without an invitation, with a message that says why; nothing is created", async () => {
    await setPolicy({ mode: "invite" });
    const address = email("uninvited");
    const error = await refusal(register(address));
    expect(error).toMatchObject({ code: "forbidden", status: 403, details: { reason: "invitation_required" } });
    expect(error!.message).toBe("This Spendboard is invitation-only. Ask an admin of this Spendboard for an invitation link.");
    expect(await userByEmail(address)).toBeUndefined();
    // Through the register form: the form's error state, not a throw.
    const state = await run(authActions.register as Action, { email: email("uninvited-form"), password: PASSWORD });
    expect(state.error).toMatch(/invitation-only/);
    expect(state.ok).toBeUndefined();
  });

  it("domains: only exact listed domains, case-insensitive; no subdomains, look-alikes or other domains", async () => {
    await setPolicy({ mode: "domains", allowedDomains: ["example.com", "lab.example.org"] });
    expect(await register(email("ok", "example.com"))).toMatchObject({ status: "active" });
    expect(await register(email("upper", "EXAMPLE.COM"))).toMatchObject({ status: "active" });
    expect(await register(email("listed-sub", "lab.example.org"))).toMatchObject({ status: "active" });
    for (const domain of ["evil-example.com", "sub.example.com", "example.com.evil.test", "example.org", "notexample.com"]) {
      const error = await refusal(register(email("no", domain)));
      expect(error, domain).toMatchObject({ code: "forbidden", details: { reason: "domain_not_allowed", field: "email" } });
    }
    // The form shows it on the email field.
    const state = await run(authActions.register as Action, { email: email("form", "evil-example.com"), password: PASSWORD });
    expect(state.fieldErrors?.email?.[0]).toMatch(/email domains/);
  });

  it("an address without @ never reaches the policy: the form says it is not an email", async () => {
    await setPolicy({ mode: "domains", allowedDomains: ["example.com"] });
    const state = await run(authActions.register as Action, { email: "example.com", password: PASSWORD });
    expect(state.fieldErrors?.email?.[0]).toMatch(/valid email/);
  });

  it("OAuth sign-up follows the same policy; a known identity still signs in", async () => {
    await setPolicy({ mode: "domains", allowedDomains: ["example.com"] });
    const outside = { provider: "github", providerAccountId: randomUUID(), email: email("gh", "elsewhere.test") };
    await expect(signInWithOAuth(outside)).rejects.toMatchObject({ details: { reason: "domain_not_allowed" } });
    const inside = { provider: "github", providerAccountId: randomUUID(), email: email("gh", "example.com") };
    const user = await signInWithOAuth(inside);
    expect(user.status).toBe("active");
    await setPolicy({ mode: "invite" });
    expect((await signInWithOAuth(inside)).id).toBe(user.id);
    await expect(signInWithOAuth({ provider: "github", providerAccountId: randomUUID(), email: email("gh2", "example.com") })).rejects.toMatchObject({
      details: { reason: "invitation_required" },
    });
  });
});

describe("invitations", () => {
  it("stores only the token's hash; the link admits one account, with its role, in invite mode; use is audited", async () => {
    await setPolicy({ mode: "invite", approvalRequired: true });
    const { token, id } = await invite({ role: "admin" });
    const [row] = await db.current().db.select().from(invitations).where(eq(invitations.id, id));
    expect(row!.tokenHash).toBe(hashInvitationToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeCloseTo(7 * 86_400_000, -4);
    const user = await register(email("invited"), { invite: token });
    // Invited: the admin chose this person, so no approval wait.
    expect(user).toMatchObject({ role: "admin", status: "active" });
    const [used] = await db.current().db.select().from(invitations).where(eq(invitations.id, id));
    expect(used).toMatchObject({ usedBy: user.id });
    expect((await auditFor("invitation.used"))[0]).toMatchObject({ actorId: user.id, details: { invitationId: id } });
    expect((await auditFor("invitation.created")).some((r) => r.details?.invitationId === id && r.actorId === admin.id)).toBe(true);
    // Used: a second registration with the same link is refused.
    const again = await refusal(register(email("again"), { invite: token }));
    expect(again).toMatchObject({ details: { reason: "invitation_used" } });
    expect(again!.message).toMatch(/already been used/);
  });

  it("an invitation into a team: the new account joins that team (a member, not its admin); the list names the team", async () => {
    await setPolicy({ mode: "invite" });
    const team = (await createTeam({ name: `Invited ${randomUUID().slice(0, 6)}` }))!;
    const { token, id } = await invite({ teamId: team.id });
    const user = await register(email("teamed"), { invite: token });
    expect(await getMembership({ userId: user.id })).toMatchObject({ teamId: team.id, isAdmin: false });
    expect((await listInvitationViews()).find((inv) => inv.id === id)).toMatchObject({ teamName: team.name, status: "used" });
    // A team that does not exist is refused on the form, and nothing is created.
    signIn(admin);
    const refused = await run(settingsActions.createInvitationAction, { teamId: randomUUID() });
    session.current = null;
    expect(refused.fieldErrors?.teamId).toEqual(["That team does not exist (any more)."]);
  });

  it("two registrations racing with one link: exactly one account", async () => {
    await setPolicy({ mode: "invite" });
    const { token, id } = await invite();
    const addresses = [email("race-a"), email("race-b")];
    const results = await Promise.allSettled(addresses.map((address) => register(address, { invite: token })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ details: { reason: "invitation_used" } });
    const created = (await Promise.all(addresses.map(userByEmail))).filter(Boolean);
    expect(created).toHaveLength(1);
    const [row] = await db.current().db.select().from(invitations).where(eq(invitations.id, id));
    expect(row!.usedBy).toBe(created[0]!.id);
  });

  it("an expired invitation says so and admits no one", async () => {
    await setPolicy({ mode: "invite" });
    const { token, id } = await invite();
    await db.current().db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, id));
    const error = await refusal(register(email("late"), { invite: token }));
    expect(error).toMatchObject({ details: { reason: "invitation_expired" } });
    expect(error!.message).toMatch(/expired on \d{4}-\d{2}-\d{2}/);
  });

  it("a revoked invitation says so; revoking is audited and only works once", async () => {
    await setPolicy({ mode: "invite" });
    const { token, id } = await invite();
    signIn(admin);
    expect(await run(settingsActions.revokeInvitationAction, { invitationId: id })).toMatchObject({ ok: true });
    expect((await run(settingsActions.revokeInvitationAction, { invitationId: id })).error).toMatch(/already used or revoked/);
    expect((await auditFor("invitation.revoked")).some((r) => r.details?.invitationId === id)).toBe(true);
    session.current = null;
    const error = await refusal(register(email("revoked"), { invite: token }));
    expect(error).toMatchObject({ details: { reason: "invitation_revoked" } });
    expect(error!.message).toMatch(/revoked/);
  });

  it("an invitation bound to an email admits that address only (any case), not another", async () => {
    await setPolicy({ mode: "invite" });
    const bound = email("bound");
    const { token } = await invite({ email: bound.toUpperCase() });
    const error = await refusal(register(email("other"), { invite: token }));
    expect(error).toMatchObject({ details: { reason: "invitation_email_mismatch", field: "email" } });
    expect(error!.message).not.toContain(bound);
    expect(await register(bound.toUpperCase(), { invite: token })).toMatchObject({ email: bound, status: "active" });
  });

  it("an invitation admits an address outside the listed domains; a made-up token is refused", async () => {
    await setPolicy({ mode: "domains", allowedDomains: ["example.com"] });
    const { token } = await invite();
    expect(await register(email("contractor", "elsewhere.test"), { invite: token })).toMatchObject({ status: "active" });
    for (const bad of ["inv_" + "A".repeat(43), "not-a-token", "inv_\u0000"]) {
      expect(await refusal(register(email("forged", "example.com"), { invite: bad }))).toMatchObject({ code: expect.stringMatching(/forbidden|validation_failed/) });
    }
  });

  it("a GitHub/Google sign-up from an invitation link carries it in a cookie, used once", async () => {
    await setPolicy({ mode: "invite" });
    const { token, id } = await invite();
    jar.clear();
    // The register page's OAuth button: the invitation is remembered, then Auth.js takes over (not simulated here, so
    // the action logs that failure: kept out of the output).
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await run(authActions.signInWithProvider as Action, { provider: "github", invite: token });
    expect([...jar.values()]).toEqual([token]);
    const user = await signInWithOAuth({ provider: "github", providerAccountId: randomUUID(), email: email("oauth-invited") });
    expect(user.status).toBe("active");
    expect((await db.current().db.select().from(invitations).where(eq(invitations.id, id)))[0]!.usedBy).toBe(user.id);
    expect(jar.size).toBe(0);
    await expect(signInWithOAuth({ provider: "google", providerAccountId: randomUUID(), email: email("oauth-next") })).rejects.toMatchObject({
      details: { reason: "invitation_required" },
    });
    // Something that is not a token is not stored.
    await run(authActions.signInWithProvider as Action, { provider: "github", invite: "<script>" });
    quiet.mockRestore();
    expect(jar.size).toBe(0);
  });

  it("lists invitations with their status: pending, used, expired, revoked", async () => {
    const { listInvitationViews } = await import("@/lib/registration/invitations");
    const pending = await invite();
    const used = await invite();
    await register(email("lister"), { invite: used.token });
    const expired = await invite();
    await db.current().db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.id));
    const revoked = await invite();
    signIn(admin);
    await run(settingsActions.revokeInvitationAction, { invitationId: revoked.id });
    const views = await listInvitationViews();
    const status = (id: string) => views.find((v) => v.id === id)?.status;
    expect([status(pending.id), status(used.id), status(expired.id), status(revoked.id)]).toEqual(["pending", "used", "expired", "revoked"]);
    expect(JSON.stringify(views)).not.toContain(pending.token);
  });
});

describe("the register page", () => {
  it("says why before anyone types: invitation-only without a link, a bad, used or expired link; a valid one fills in its address", async () => {
    const { registerPageState } = await import("@/lib/registration/register-page");
    await setPolicy({ mode: "invite" });
    expect(await registerPageState(undefined)).toMatchObject({ showForm: false, tone: "error", notice: expect.stringMatching(/invitation-only/) });
    expect(await registerPageState("inv_nonsense")).toMatchObject({ showForm: false, notice: expect.stringMatching(/not valid/) });
    const bound = email("page");
    const { token, id } = await invite({ email: bound, role: "admin" });
    expect(await registerPageState(token)).toEqual({
      showForm: true,
      tone: "info",
      notice: `You are invited as an admin. Create your account with ${bound}.`,
      invite: token,
      invitedEmail: bound,
    });
    await db.current().db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, id));
    expect(await registerPageState(token)).toMatchObject({ showForm: false, notice: expect.stringMatching(/expired/) });
    const used = await invite();
    await register(email("page-used"), { invite: used.token });
    expect(await registerPageState(used.token)).toMatchObject({ showForm: false, notice: expect.stringMatching(/already been used/) });
    await setPolicy({ mode: "domains", allowedDomains: ["example.com"], approvalRequired: true });
    expect(await registerPageState(undefined)).toMatchObject({ showForm: true, notice: expect.stringMatching(/organisation's email addresses only.*approves new accounts/) });
    await setPolicy({});
    expect(await registerPageState(undefined)).toEqual({ showForm: true, tone: null, notice: null });
  });
});

describe("approval", () => {
  it("a new account waits: it signs in, sees only the waiting page, every API route answers 403, it can sign out", async () => {
    await setPolicy({ approvalRequired: true });
    const address = email("waiting");
    const user = await register(address);
    expect(user).toMatchObject({ role: "user", status: "pending" });
    // Admins are told (once) in their notifications.
    const told = await db.current().db.select().from(notifications).where(eq(notifications.dedupeKey, `registration:pending:${user.id}`));
    expect(told.map((n) => n.userId)).toContain(admin.id);
    expect(told[0]).toMatchObject({ href: "/admin/settings#pending-accounts", body: expect.stringContaining(address) });
    // Signing in works (the password is right, the account is not disabled).
    expect((await authenticateWithPassword({ email: address, password: PASSWORD }))?.id).toBe(user.id);
    signIn(user);
    for (const [name, call] of [
      ["GET /api/me", () => meRoute.GET(new Request("http://localhost/api/me"))],
      ["GET /api/notifications", () => notificationsRoute.GET(new Request("http://localhost/api/notifications"))],
      [
        "POST /api/chat",
        () =>
          chatRoute.POST(
            new Request("http://localhost/api/chat", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ id: randomUUID(), message: { id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] }, model: "openai:gpt-4o-mini" }),
            }),
          ),
      ],
    ] as const) {
      const response = await call();
      expect(response.status, name).toBe(403);
      const body = (await response.json()) as { error: { code: string; message: string; details?: { reason?: string } } };
      expect(body.error, name).toMatchObject({ code: "forbidden", details: { reason: "approval_pending" } });
      expect(body.error.message).toMatch(/waiting for an admin's approval/);
    }
    // Pages: the app layout and every page send it to the waiting page.
    const { default: AppLayout } = await import("@/app/(app)/layout");
    await expect(AppLayout({ children: null })).rejects.toMatchObject({ digest: expect.stringContaining("/pending") });
    const { default: DashboardPage } = await import("@/app/(app)/dashboard/page");
    await expect((DashboardPage as () => Promise<unknown>)()).rejects.toMatchObject({ digest: expect.stringContaining("/pending") });
    // The waiting page itself renders for it.
    const { default: PendingPage } = await import("@/app/(auth)/pending/page");
    expect(textOf(await PendingPage())).toContain("waiting for an admin's approval");
    // A member's own server actions are refused too.
    const accountActions = await import("@/app/(app)/settings/actions");
    const someAction = Object.values(accountActions).find((fn) => typeof fn === "function") as Action;
    expect((await run(someAction, {})).error).toMatch(/waiting for an admin's approval/);
    // Signing out works.
    await expect(authActions.signOutAction()).resolves.toBeUndefined();
    expect(session.current).toBeNull();
  });

  it("an admin approves it from the admin users page (audited): then it gets in", async () => {
    await setPolicy({ approvalRequired: true });
    const user = await register(email("approve-me"));
    signIn(user);
    expect((await meRoute.GET(new Request("http://localhost/api/me"))).status).toBe(403);
    signIn(admin);
    const state = await run(approvalActions.approveUserAction, { userId: user.id });
    expect(state).toMatchObject({ ok: true });
    expect(await userRow(user.id)).toMatchObject({ status: "active", approvedAt: expect.any(Date) });
    expect((await auditFor("user.approved"))[0]).toMatchObject({ actorId: admin.id, targetUserId: user.id });
    expect((await run(approvalActions.approveUserAction, { userId: user.id })).error).toMatch(/not waiting/);
    signIn(user);
    expect((await meRoute.GET(new Request("http://localhost/api/me"))).status).toBe(200);
  });

  it("an admin rejects it (audited): it stays out, and the waiting page says it was declined", async () => {
    await setPolicy({ approvalRequired: true });
    const user = await register(email("reject-me"));
    signIn(admin);
    expect(await run(approvalActions.rejectUserAction, { userId: user.id })).toMatchObject({ ok: true });
    expect((await auditFor("user.rejected"))[0]).toMatchObject({ targetUserId: user.id });
    expect((await userRow(user.id)).status).toBe("rejected");
    signIn(user);
    const response = await meRoute.GET(new Request("http://localhost/api/me"));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { details: unknown } }).error.details).toEqual({ reason: "account_rejected" });
    const { default: PendingPage } = await import("@/app/(auth)/pending/page");
    expect(textOf(await PendingPage())).toContain("An admin declined this account");
  });

  it("approval actions refuse members, unknown ids and active accounts with the form's error", async () => {
    const member = await register(email("member"));
    signIn(member);
    expect((await run(approvalActions.approveUserAction, { userId: member.id })).error).toBe("Only admins can do this.");
    signIn(admin);
    expect((await run(approvalActions.approveUserAction, { userId: randomUUID() })).error).toMatch(/not waiting/);
    expect((await run(approvalActions.rejectUserAction, { userId: member.id })).error).toMatch(/not waiting/);
    expect((await run(approvalActions.rejectUserAction, { userId: "x\u0000" })).fieldErrors?.userId).toBeDefined();
    expect((await userRow(member.id)).status).toBe("active");
  });
});

describe("admin forms: bad input gets the form's error, never a throw", () => {
  beforeEach(() => signIn(admin));

  it("the policy form refuses bad domains, NUL characters, an empty domain list and an unknown mode", async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ mode: "domains", allowedDomains: "example.com, *.evil" }, "allowedDomains", /Not a domain/],
      [{ mode: "domains", allowedDomains: "exa\u0000mple.com" }, "allowedDomains", /cannot be stored/],
      [{ mode: "domains", allowedDomains: "" }, "allowedDomains", /at least one domain/],
      [{ mode: "closed" }, "mode", /Choose who may join/],
      [{ mode: "open\u0000" }, "mode", /Choose who may join/],
    ];
    for (const [values, field, message] of cases) {
      const state = await run(settingsActions.saveRegistrationPolicyAction, values);
      expect(state.ok, JSON.stringify(values)).toBeUndefined();
      expect(state.fieldErrors?.[field]?.[0], JSON.stringify(values)).toMatch(message);
    }
  });

  it("the policy form saves, audits a change once, and registration follows it at once", async () => {
    const before = (await auditFor("registration_policy.changed")).length;
    const state = await run(settingsActions.saveRegistrationPolicyAction, { mode: "domains", allowedDomains: "Example.com\nlab.example.org", approvalRequired: "on" });
    expect(state).toMatchObject({ ok: true });
    expect(state.message).toContain("example.com, lab.example.org");
    expect((await run(settingsActions.saveRegistrationPolicyAction, { mode: "domains", allowedDomains: "example.com, lab.example.org", approvalRequired: "on" })).message).toBe("Nothing changed.");
    const rows = await auditFor("registration_policy.changed");
    expect(rows.length).toBe(before + 1);
    expect(rows[0]!.details).toMatchObject({ to: "addresses at example.com, lab.example.org, admin approval required" });
    session.current = null;
    expect(await register(email("policy", "example.com"))).toMatchObject({ status: "pending" });
    await expect(register(email("policy", "elsewhere.test"))).rejects.toMatchObject({ details: { reason: "domain_not_allowed" } });
  });

  it("the invitation form refuses a bad email, NUL characters, an expiry in the past or too far, and a bad role", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ email: "not-an-email" }, "email"],
      [{ email: "a\u0000@example.com" }, "email"],
      [{ expiresInDays: "0" }, "expiresInDays"],
      [{ expiresInDays: "-3" }, "expiresInDays"],
      [{ expiresInDays: "1.5" }, "expiresInDays"],
      [{ expiresInDays: "91" }, "expiresInDays"],
      [{ expiresInDays: "7\u0000" }, "expiresInDays"],
      [{ role: "owner" }, "role"],
      [{ teamId: "not-a-team" }, "teamId"],
    ];
    const count = async () => (await db.current().db.select().from(invitations)).length;
    const before = await count();
    for (const [values, field] of cases) {
      const state = await run(settingsActions.createInvitationAction, values);
      expect(state.ok, JSON.stringify(values)).toBeUndefined();
      expect(state.fieldErrors?.[field], JSON.stringify(values)).toBeDefined();
    }
    expect(await count()).toBe(before);
    expect((await run(settingsActions.revokeInvitationAction, { invitationId: "nope" })).fieldErrors?.invitationId).toBeDefined();
  });

  it("members cannot use the policy or invitation forms", async () => {
    const member = await register(email("not-admin"));
    signIn(member);
    for (const action of [settingsActions.saveRegistrationPolicyAction, settingsActions.createInvitationAction, settingsActions.revokeInvitationAction]) {
      expect((await run(action, { mode: "open" })).error).toBe("Only admins can do this.");
    }
    expect(await db.current().db.select().from(invitations).where(and(eq(invitations.createdBy, member.id)))).toEqual([]);
  });
});
