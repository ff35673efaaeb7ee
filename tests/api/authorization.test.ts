import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { users } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// The session cookie is decoded by Auth.js; here we hand the route the session it would decode and keep
// everything after it real (route wrapper, database, role read fresh from the users table).
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; role: string } } }));
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth(session));

const { GET: adminUsers } = await import("@/app/api/admin/users/route");
const { GET: me } = await import("@/app/api/me/route");

const db = freshDatabasePerFile();

async function makeUser(role: "admin" | "user") {
  const user = await registerWithPassword({ email: `${role}-${randomUUID()}@example.test`, password: "password-123" });
  await db.current().db.update(users).set({ role }).where(eq(users.id, user.id));
  return { ...user, role };
}

const get = (url: string) => new Request(`http://localhost${url}`);

describe("API authorization", () => {
  beforeEach(() => {
    session.current = null;
  });

  it("answers 401 without a session", async () => {
    for (const handler of [adminUsers, me]) {
      const response = await handler(get("/api/x"));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in to continue." } });
    }
  });

  it("answers 403 to a non-admin on an admin route", async () => {
    const member = await makeUser("user");
    session.current = { user: { id: member.id, role: "user" } };
    const response = await adminUsers(get("/api/admin/users"));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("admin_required");
  });

  it("reads the role from the database, not from the token", async () => {
    const demoted = await makeUser("user");
    session.current = { user: { id: demoted.id, role: "admin" } }; // a token issued before the demotion
    expect((await adminUsers(get("/api/admin/users"))).status).toBe(403);
  });

  it("treats a disabled account as signed out", async () => {
    const member = await makeUser("user");
    await db.current().db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, member.id));
    session.current = { user: { id: member.id, role: "user" } };
    expect((await me(get("/api/me"))).status).toBe(401);
  });

  it("lets an admin list and search users", async () => {
    const admin = await makeUser("admin");
    const member = await makeUser("user");
    session.current = { user: { id: admin.id, role: "admin" } };
    const response = await adminUsers(get(`/api/admin/users?q=${encodeURIComponent(member.email.slice(0, 20))}`));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.items.map((u: { email: string }) => u.email)).toEqual([member.email]);
    expect(body.total).toBe(1);
    expect(JSON.stringify(body)).not.toMatch(/password/i);
  });

  it("refuses bad query parameters with 400 and the reason", async () => {
    const admin = await makeUser("admin");
    session.current = { user: { id: admin.id, role: "admin" } };
    const response = await adminUsers(get("/api/admin/users?pageSize=5000"));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(/^pageSize: /);
  });

  it("returns only the caller's own profile", async () => {
    const member = await makeUser("user");
    session.current = { user: { id: member.id, role: "user" } };
    const body = await (await me(get("/api/me"))).json();
    expect(body).toEqual({ user: { id: member.id, email: member.email, name: null, role: "user", timeZone: null } });
  });
});
