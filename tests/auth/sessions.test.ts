import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { userSessions, users } from "@/db/schema";
import { authenticateWithPassword, registerWithPassword } from "@/lib/auth/accounts";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/user-sessions";
import type { ActionState } from "@/lib/http/action";
import { session, signIn, signInWithSession } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the cookie into { user, sid, sv }; the test hands the app that token. Everything after it is real:
// session rows, the version on the user row, getCurrentUser's one query, the route wrapper and the actions.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { GET: me } = await import("@/app/api/me/route");
const { signOutAction } = await import("@/app/(auth)/actions");
const { changePasswordAction } = await import("@/app/(app)/settings/account-actions");
const adminUserActions = await import("@/app/(app)/admin/users/[id]/actions");
const db = freshDatabasePerFile();

const PASSWORD = "password-123";

async function makeUser(role: "admin" | "user" = "user") {
  const user = await registerWithPassword({ email: `${role}-${randomUUID()}@example.test`, password: PASSWORD });
  await db.current().db.update(users).set({ role }).where(eq(users.id, user.id));
  return { ...user, role };
}

type Token = { user: { id: string }; sid?: string; sv?: number };

/** GET /api/me with a given token (a copied cookie), or with whatever the test session holds now. */
async function meStatus(token?: Token | null): Promise<number> {
  if (token !== undefined) session.current = token && { ...token, user: { ...token.user } };
  return (await me(new Request("http://localhost/api/me"))).status;
}

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}
type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string> = {}) => action({}, form(values));

/** A second device: its own session row, issued now. */
async function anotherDevice(user: { id: string }): Promise<Token> {
  const claims = await signInWithSession(user);
  return { user: { id: user.id }, ...claims };
}

afterEach(() => {
  vi.useRealTimers();
  session.current = null;
});

describe("session tokens name a session row that must still hold", () => {
  it("accepts a fresh session and refuses the same token once its row is revoked", async () => {
    const user = await makeUser();
    const token = await anotherDevice(user);
    expect(await meStatus(token)).toBe(200);
    await db.current().db.update(userSessions).set({ revokedAt: new Date() }).where(eq(userSessions.id, token.sid!));
    expect(await meStatus(token)).toBe(401);
  });

  it("refuses a token without a session id (issued before sessions could be ended), and made-up ids", async () => {
    const user = await makeUser();
    const good = await anotherDevice(user);
    expect(await meStatus({ user: { id: user.id }, sid: undefined, sv: good.sv })).toBe(401);
    expect(await meStatus({ user: { id: user.id }, sid: randomUUID(), sv: good.sv })).toBe(401);
    expect(await meStatus({ user: { id: user.id }, sid: "-".repeat(36), sv: good.sv })).toBe(401);
    expect(await meStatus({ user: { id: user.id }, sid: good.sid, sv: undefined })).toBe(401);
    // someone else's session row with this user's id
    const other = await anotherDevice(await makeUser());
    expect(await meStatus({ user: { id: user.id }, sid: other.sid, sv: good.sv })).toBe(401);
    expect(await meStatus(good)).toBe(200);
  });

  it("bumping the session version refuses every session of that user, and only that user's", async () => {
    const user = await makeUser();
    const bystander = await makeUser();
    const devices = [await anotherDevice(user), await anotherDevice(user), await anotherDevice(user)];
    const theirs = await anotherDevice(bystander);
    for (const token of devices) expect(await meStatus(token)).toBe(200);
    await db.current().db.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, user.id));
    for (const token of devices) expect(await meStatus(token)).toBe(401);
    expect(await meStatus(theirs)).toBe(200);
    // signing in again gives a token at the new version
    expect(await meStatus(await anotherDevice(user))).toBe(200);
  });

  it("refuses a session past its expiry (30 days after sign-in), by the app's clock", async () => {
    const start = new Date("2027-03-01T10:00:00Z");
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const user = await makeUser();
    const token = await anotherDevice(user);
    vi.setSystemTime(new Date(start.getTime() + SESSION_MAX_AGE_SECONDS * 1000 - 1000));
    expect(await meStatus(token)).toBe(200);
    vi.setSystemTime(new Date(start.getTime() + SESSION_MAX_AGE_SECONDS * 1000 + 1000));
    expect(await meStatus(token)).toBe(401);
  });
});

describe("signing out", () => {
  it("revokes the session row, so a copied cookie is refused afterwards; other devices stay signed in", async () => {
    const user = await makeUser();
    const laptop = await anotherDevice(user);
    const phone = await anotherDevice(user);
    const copied: Token = { ...phone, user: { id: user.id } };
    session.current = { ...phone, user: { id: user.id } };
    await signOutAction();
    expect(session.current).toBeNull(); // the cookie is gone from this browser
    const [row] = await db.current().db.select().from(userSessions).where(eq(userSessions.id, phone.sid!));
    expect(row!.revokedAt).toBeInstanceOf(Date);
    expect(await meStatus(copied)).toBe(401);
    expect(await meStatus(laptop)).toBe(200);
  });
});

describe("admin changes end the user's sessions", () => {
  it("disabling a user refuses their open sessions at once (and enabling does not revive them)", async () => {
    const admin = await makeUser("admin");
    const target = await makeUser();
    const token = await anotherDevice(target);
    expect(await meStatus(token)).toBe(200);
    signIn(admin);
    expect(await run(adminUserActions.disableUserAction, { userId: target.id })).toMatchObject({ ok: true });
    expect(await meStatus(token)).toBe(401);
    signIn(admin);
    expect(await run(adminUserActions.enableUserAction, { userId: target.id })).toMatchObject({ ok: true });
    expect(await meStatus(token)).toBe(401);
    expect(await meStatus(await anotherDevice(target))).toBe(200);
  });

  it("changing a user's role refuses their open sessions", async () => {
    const admin = await makeUser("admin");
    const target = await makeUser();
    const token = await anotherDevice(target);
    signIn(admin);
    expect(await run(adminUserActions.setRoleAction, { userId: target.id, role: "admin" })).toMatchObject({ ok: true });
    expect(await meStatus(token)).toBe(401);
    session.current = await anotherDevice(target);
    const response = await me(new Request("http://localhost/api/me"));
    expect(response.status).toBe(200);
    expect((await response.json()).user.role).toBe("admin");
  });
});

describe("changing the password (Settings → Account)", () => {
  it("ends every other session and keeps this browser signed in with a new session", async () => {
    const user = await makeUser();
    const other = await anotherDevice(user);
    const here = await anotherDevice(user);
    session.current = { ...here, user: { id: user.id } };
    const result = await run(changePasswordAction, { currentPassword: PASSWORD, newPassword: "a brand new password" });
    expect(result).toEqual({ ok: true }); // (in the app, signIn redirects to the account tab with the new cookie)

    expect(await meStatus(other)).toBe(401);
    expect(await meStatus(here)).toBe(401); // this browser's old cookie is replaced, not kept
    const open = await db.current().db.select().from(userSessions).where(eq(userSessions.userId, user.id));
    expect(open.filter((s) => s.revokedAt === null)).toHaveLength(0); // the new one opens at its first request
    // the browser's new cookie works
    session.current = { user: { id: user.id } };
    expect(await meStatus()).toBe(200);
    expect(session.current!.sid).not.toBe(here.sid);
    // and the password is the new one
    expect(await authenticateWithPassword({ email: user.email, password: PASSWORD })).toBeNull();
    expect((await authenticateWithPassword({ email: user.email, password: "a brand new password" }))?.id).toBe(user.id);
  });

  it("refuses a wrong current password and changes nothing", async () => {
    const user = await makeUser();
    const other = await anotherDevice(user);
    const here = await anotherDevice(user);
    session.current = { ...here, user: { id: user.id } };
    const result = await run(changePasswordAction, { currentPassword: "not my password", newPassword: "a brand new password" });
    expect(result.fieldErrors).toEqual({ currentPassword: ["The current password is not right."] });
    expect(JSON.stringify(result)).not.toContain("brand new");
    expect(await meStatus(other)).toBe(200);
    expect(await meStatus(here)).toBe(200);
    expect((await authenticateWithPassword({ email: user.email, password: PASSWORD }))?.id).toBe(user.id);
  });

  it("checks the new password like registration does, and needs a session", async () => {
    const user = await makeUser();
    session.current = { ...(await anotherDevice(user)), user: { id: user.id } };
    const short = await run(changePasswordAction, { currentPassword: PASSWORD, newPassword: "short" });
    expect(short.fieldErrors?.newPassword?.[0]).toMatch(/at least 8/);
    const same = await run(changePasswordAction, { currentPassword: PASSWORD, newPassword: PASSWORD });
    expect(same.fieldErrors?.newPassword?.[0]).toMatch(/different/);
    session.current = null;
    expect((await run(changePasswordAction, { currentPassword: PASSWORD, newPassword: "another password" })).error).toBe(
      "Sign in to continue.",
    );
  });
});
