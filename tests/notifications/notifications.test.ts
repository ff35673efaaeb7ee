import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { notifications, type Notification } from "@/db/schema";
import { newUser, session, signIn } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { GET } = await import("@/app/api/notifications/route");
const { POST } = await import("@/app/api/notifications/read/route");
const db = freshDatabasePerFile();

interface Listed {
  unread: number;
  items: { id: string; title: string; body: string; href: string | null; createdAt: string; read: boolean }[];
}

async function list(): Promise<{ status: number; body: Listed & { error?: { code: string } } }> {
  const response = await GET(new Request("http://localhost/api/notifications"));
  return { status: response.status, body: await response.json() };
}

async function markRead(body?: string) {
  const response = await POST(
    new Request("http://localhost/api/notifications/read", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
  return { status: response.status, body: (await response.json()) as { ok?: true; error?: { code: string; message: string } } };
}

/** Inserts notifications for a user, the first one oldest, one minute apart. */
async function insertFor(userId: string, titles: string[], { read = false } = {}): Promise<Notification[]> {
  const start = Date.now() - titles.length * 60_000;
  return db
    .current()
    .db.insert(notifications)
    .values(
      titles.map((title, i) => ({
        userId,
        kind: "budget_threshold",
        title,
        body: `${title} body`,
        href: "/settings?tab=budget",
        dedupeKey: `test:${randomUUID()}`,
        createdAt: new Date(start + i * 60_000),
        readAt: read ? new Date() : null,
      })),
    )
    .returning();
}

const rowsOf = (userId: string) => db.current().db.select().from(notifications).where(eq(notifications.userId, userId));

async function twoUsers() {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const aliceRows = await insertFor(alice.id, ["A1", "A2", "A3"]);
  const bobRows = await insertFor(bob.id, ["B1", "B2"]);
  return { alice, bob, aliceRows, bobRows };
}

describe("GET /api/notifications", () => {
  it("shows each user only their own notifications, newest first, with the unread count", async () => {
    const { alice, bob, aliceRows } = await twoUsers();
    await insertFor(alice.id, ["A0 (read)"], { read: true });

    signIn(alice);
    const forAlice = await list();
    expect(forAlice.status).toBe(200);
    expect(forAlice.body.unread).toBe(3);
    expect(forAlice.body.items.map((n) => n.title)).toEqual(["A0 (read)", "A3", "A2", "A1"]);
    expect(forAlice.body.items[1]).toEqual({
      id: aliceRows[2]!.id,
      title: "A3",
      body: "A3 body",
      href: "/settings?tab=budget",
      createdAt: aliceRows[2]!.createdAt.toISOString(),
      read: false,
    });
    expect(forAlice.body.items[0]!.read).toBe(true);

    signIn(bob);
    const forBob = await list();
    expect(forBob.body).toMatchObject({ unread: 2 });
    expect(forBob.body.items.map((n) => n.title)).toEqual(["B2", "B1"]);
  });

  it("lists the 20 most recent but counts every unread one", async () => {
    const user = await newUser("many");
    await insertFor(user.id, Array.from({ length: 25 }, (_, i) => `N${i + 1}`));
    signIn(user);
    const { body } = await list();
    expect(body.unread).toBe(25);
    expect(body.items).toHaveLength(20);
    expect(body.items[0]!.title).toBe("N25");
    expect(body.items.at(-1)!.title).toBe("N6");
  });
});

describe("POST /api/notifications/read", () => {
  it("marks one of the user's own notifications read", async () => {
    const { alice, aliceRows } = await twoUsers();
    signIn(alice);
    expect(await markRead(JSON.stringify({ id: aliceRows[0]!.id }))).toEqual({ status: 200, body: { ok: true } });
    const { body } = await list();
    expect(body.unread).toBe(2);
    expect(body.items.find((n) => n.id === aliceRows[0]!.id)!.read).toBe(true);
    // again: still fine, and it keeps the time it was first read
    const [before] = (await rowsOf(alice.id)).filter((r) => r.id === aliceRows[0]!.id);
    expect(await markRead(JSON.stringify({ id: aliceRows[0]!.id }))).toEqual({ status: 200, body: { ok: true } });
    const [after] = (await rowsOf(alice.id)).filter((r) => r.id === aliceRows[0]!.id);
    expect(after!.readAt).toEqual(before!.readAt);
  });

  it("cannot mark another user's notification: it answers as for an unknown one and changes nothing", async () => {
    const { alice, bob, bobRows } = await twoUsers();
    signIn(alice);
    const attempt = await markRead(JSON.stringify({ id: bobRows[0]!.id }));
    expect(attempt).toEqual({ status: 404, body: { error: { code: "not_found", message: "That notification does not exist." } } });
    expect(await markRead(JSON.stringify({ id: randomUUID() }))).toEqual(attempt);
    expect((await rowsOf(bob.id)).every((r) => r.readAt === null)).toBe(true);
    expect((await list()).body.unread).toBe(3);
  });

  it("marks all of the user's notifications read (and only theirs) without an id", async () => {
    const { alice, bob } = await twoUsers();
    signIn(alice);
    expect(await markRead(JSON.stringify({}))).toEqual({ status: 200, body: { ok: true } });
    expect((await list()).body).toMatchObject({ unread: 0 });
    expect((await list()).body.items.every((n) => n.read)).toBe(true);
    expect((await rowsOf(bob.id)).every((r) => r.readAt === null)).toBe(true);

    signIn(bob);
    expect(await markRead()).toEqual({ status: 200, body: { ok: true } }); // no body at all: all
    expect((await list()).body.unread).toBe(0);
  });

  it.each([
    ["a malformed id", JSON.stringify({ id: "not-a-uuid" }), "validation_failed"],
    ["a numeric id", JSON.stringify({ id: 42 }), "validation_failed"],
    ["an unknown field", JSON.stringify({ ids: [randomUUID()] }), "validation_failed"],
    ["an array", JSON.stringify([]), "validation_failed"],
    ["text that is not JSON", "mark them all", "bad_request"],
  ])("refuses %s with 400 and marks nothing", async (_label, body, code) => {
    const { alice } = await twoUsers();
    signIn(alice);
    const result = await markRead(body);
    expect(result.status).toBe(400);
    expect(result.body.error?.code).toBe(code);
    expect((await rowsOf(alice.id)).every((r) => r.readAt === null)).toBe(true);
  });
});

describe("signed out", () => {
  it("answers 401 to both routes and changes nothing", async () => {
    const { alice, aliceRows } = await twoUsers();
    session.current = null;
    const listed = await list();
    expect(listed.status).toBe(401);
    expect(listed.body.error?.code).toBe("unauthorized");
    for (const body of [undefined, JSON.stringify({ id: aliceRows[0]!.id })]) {
      const result = await markRead(body);
      expect(result.status).toBe(401);
      expect(result.body.error?.code).toBe("unauthorized");
    }
    expect((await rowsOf(alice.id)).every((r) => r.readAt === null)).toBe(true);
  });
});
