import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { z } from "zod";
import { getDb } from "@/db";
import { messages, users } from "@/db/schema";
import { publicAction } from "@/lib/http/action";
import { route } from "@/lib/http/route";
import { describeError, logFailure, queryName } from "@/lib/log";
import { runInBackground, waitForBackgroundWork } from "@/lib/usage/background";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", () => ({ auth: async () => null }));
/** Lets a test make the recorder's first query fail. */
const writes = vi.hoisted(() => ({ failWith: undefined as unknown }));
vi.mock("@/db/queries/usage-events", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/db/queries/usage-events")>();
  return {
    ...real,
    timeZonesOf: (...args: Parameters<typeof real.timeZonesOf>) => (writes.failWith === undefined ? real.timeZonesOf(...args) : Promise.reject(writes.failWith)),
  };
});

freshDatabasePerFile();

/** What a user typed; it must never reach a log line. */
const CHAT_TEXT = "my salary is 123456 and my password is hunter2-SECRET";
const EMAIL = "private.person+SECRET@example.test";

/** A real failing query whose parameters carry user content: a chat message for a conversation id that is not a uuid. */
async function failingInsert(): Promise<unknown> {
  const db = await getDb();
  try {
    await db.insert(messages).values({
      id: "m1",
      conversationId: `not-a-uuid ${CHAT_TEXT}`,
      role: "user",
      parts: [{ type: "text", text: CHAT_TEXT }],
    });
  } catch (error) {
    return error;
  }
  throw new Error("the insert should have failed");
}

async function failingUserQuery(): Promise<unknown> {
  const db = await getDb();
  return db
    .insert(users)
    .values({ id: `x-${EMAIL}`, email: EMAIL })
    .then(
      () => Promise.reject(new Error("the insert should have failed")),
      (error: unknown) => error,
    );
}

let consoleError: MockInstance;
let consoleWarn: MockInstance;
const logged = () => [...consoleError.mock.calls, ...consoleWarn.mock.calls].map((args) => args.map(String).join(" ")).join("\n");

describe("failure logs carry no user content", () => {
  let dbError: unknown;

  beforeAll(async () => {
    dbError = await failingInsert();
    // The point of all this: the error itself carries the chat text (drizzle's message lists the parameters).
    expect(String(dbError)).toContain(CHAT_TEXT);
  });

  afterEach(() => {
    vi.restoreAllMocks();
    writes.failWith = undefined;
  });

  function spyOnConsole() {
    consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    consoleWarn = vi.spyOn(console, "warn").mockImplementation(() => {});
  }

  it("logs the request id, the query's name, the PostgreSQL code and the class — not the parameters", () => {
    spyOnConsole();
    logFailure("api", "POST /api/chat", dbError, { requestId: "req-123" });
    const line = logged();
    expect(line).toMatch(/^\[api\] POST \/api\/chat failed \(request req-123\): DrizzleQueryError: insert into "messages" failed \(PostgreSQL 22P02, \w+\)/);
    expect(line).toMatch(/\n\s+at /); // where it happened
    expect(line).not.toContain("SECRET");
    expect(line).not.toContain("salary");
  });

  it("does the same for an email in a users query", async () => {
    spyOnConsole();
    const error = await failingUserQuery();
    expect(String(error)).toContain(EMAIL);
    logFailure("auth", "registration", error);
    expect(logged()).toContain('insert into "users" failed (PostgreSQL 22P02');
    expect(logged()).not.toContain("SECRET");
  });

  it("through the route wrapper: the 500's request id is in the log line, the chat text is not", async () => {
    spyOnConsole();
    const handler = route("public", async () => {
      throw await failingInsert();
    });
    const response = await handler(new Request("http://localhost/api/chat", { method: "POST" }));
    expect(response.status).toBe(500);
    const { error } = await response.json();
    expect(JSON.stringify(error)).not.toContain("SECRET");
    expect(logged()).toContain(`(request ${error.details.requestId})`);
    expect(logged()).toContain("PostgreSQL 22P02");
    expect(logged()).not.toContain("SECRET");
  });

  it("through the action wrapper", async () => {
    spyOnConsole();
    const action = publicAction(z.object({}), async () => {
      throw await failingInsert();
    });
    const state = await action({}, new FormData());
    expect(state.error).toMatch(/^Something went wrong/);
    expect(logged()).toMatch(/^\[action\] a server action failed \(request [0-9a-f-]{36}\): DrizzleQueryError/);
    expect(logged()).not.toContain("SECRET");
  });

  it("through the usage recorder's retry and give-up lines", async () => {
    spyOnConsole();
    writes.failWith = dbError;
    const record = { requestId: "req-usage-1", userId: randomUUID() } as UsageRecord;
    await expect(recordUsage([record])).rejects.toBe(dbError);
    expect(consoleWarn).toHaveBeenCalledTimes(3);
    expect(logged()).toContain("req-usage-1");
    expect(logged()).toContain('insert into "messages" failed (PostgreSQL 22P02');
    expect(logged()).toContain("LOST");
    expect(logged()).not.toContain("SECRET");
  }, 10_000);

  it("through background work", async () => {
    spyOnConsole();
    runInBackground("alert webhooks", async () => {
      throw await failingUserQuery();
    });
    await waitForBackgroundWork();
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(logged()).toContain('[background] alert webhooks failed: DrizzleQueryError: insert into "users"');
    expect(logged()).not.toContain("SECRET");
  });
});

describe("describeError", () => {
  it("names a query by its verb and first table", () => {
    expect(queryName('insert into "usage_events" ("id") values ($1)')).toBe('insert into "usage_events"');
    expect(queryName('update "users" set "email" = $1 where "id" = $2')).toBe('update "users"');
    expect(queryName('delete from "messages" where "id" = $1')).toBe('delete from "messages"');
    expect(queryName('select "id", "email" from "users" where "email" = $1')).toBe('select from "users"');
    expect(queryName('select * from "public"."users"')).toBe('select from "public"."users"');
    expect(queryName("select 1")).toBe("select");
  });

  it("elides what a message quotes and never prints a message's lines as frames", () => {
    let syntaxError: unknown;
    try {
      JSON.parse(`SECRET ${CHAT_TEXT}`);
    } catch (error) {
      syntaxError = error;
    }
    expect(String(syntaxError)).toContain("SECRET");
    expect(describeError(syntaxError)).toMatch(/^SyntaxError: /);
    expect(describeError(syntaxError)).not.toContain("SECRET");

    const forged = new Error(`"quoted SECRET"\n    at forged (SECRET.ts:1:1)`);
    consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    logFailure("x", "y", forged);
    expect(String(consoleError.mock.calls[0]?.[0])).not.toContain("SECRET");
    vi.restoreAllMocks();
  });

  it("keeps the codes and classes of other failures", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    expect(describeError(new TypeError("x", { cause: refused }))).toBe("TypeError: x (ECONNREFUSED) ← Error");
    expect(describeError(refused)).toBe("Error: connect ECONNREFUSED 127.0.0.1:5432 (ECONNREFUSED)");
    expect(describeError("a string")).toBe("string");
    expect(describeError(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(
      "Error: a query failed (PostgreSQL 23505, Error)",
    );
  });
});
