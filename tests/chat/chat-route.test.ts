import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { conversations, messages, usageDaily, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, signInWithSession, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
fakeLlmPerFile();

const eventsOf = (userId: string) => db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId));

describe("a chat turn", () => {
  it("streams the answer and records one usage event with the exact cost, a rollup and the message", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const id = randomUUID();
    const call = await postChat(POST, {
      id,
      model: "openai:gpt-4o-mini",
      message: userMessage("Hello [[reply:Hi there, friend.]] [[usage:prompt=1000,completion=500,cached=200]]"),
    });
    expect(call.status).toBe(200);
    expect(streamedText(call)).toBe("Hi there, friend.");
    const finish = call.chunks.find((c) => c.type === "finish" || c.type === "message-metadata");
    expect(finish).toBeDefined();
    await waitForBackgroundWork();

    const events = (await eventsOf(user.id)).filter((e) => e.feature === "chat");
    expect(events).toHaveLength(1);
    // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per MTok → 800×150 + 200×75 + 500×600 = 435,000 nano-USD.
    expect(events[0]).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      inputNoCacheTokens: 800,
      cacheReadTokens: 200,
      outputTokens: 500,
      costNano: 435_000,
      priced: true,
      costSource: "price_book",
      status: "ok",
      estimated: false,
      conversationId: id,
      keySource: "user",
    });
    expect(events[0]!.ttftMs).not.toBeNull();
    const [conversation] = await db.current().db.select().from(conversations).where(eq(conversations.id, id));
    expect(conversation!.model).toBe("openai:gpt-4o-mini");
    const stored = await db.current().db.select().from(messages).where(eq(messages.conversationId, id));
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(stored[1]!.metadata).toMatchObject({ costNano: 435_000, outputTokens: 500, status: "ok" });
    const rollups = await db.current().db.select().from(usageDaily).where(eq(usageDaily.userId, user.id));
    const chatRollup = rollups.find((r) => r.feature === "chat")!;
    expect(chatRollup).toMatchObject({ requests: 1, costNano: 435_000, outputTokens: 500 });
  });
});

describe("a chat turn whose session has ended", () => {
  // The route reads for the cookie's user while the session is checked (route("session")): the check still decides.
  it("is refused with 401 whatever the body, and stores and calls nothing", async () => {
    const { endSession } = await import("@/lib/auth/user-sessions");
    const user = await newUser();
    const { sid } = await signInWithSession(user);
    await addKey(user.id, "openai");
    await endSession(sid);
    const id = randomUUID();
    const valid = await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage("Hello [[reply:never]]") });
    expect(valid.status).toBe(401);
    expect(valid.json).toMatchObject({ error: { code: "unauthorized" } });
    const invalid = await postChat(POST, { id, message: { id: "x", role: "user", parts: [] } });
    expect(invalid.status).toBe(401);
    const malformed = await POST(new Request("http://localhost/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }));
    expect(malformed.status).toBe(401);
    await waitForBackgroundWork();
    expect(await db.current().db.select().from(conversations).where(eq(conversations.id, id))).toEqual([]);
    expect(await eventsOf(user.id)).toEqual([]);

    // The same user signed in again is answered.
    await signInWithSession(user);
    const again = await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage("Hello [[reply:Back again.]]") });
    expect(again.status).toBe(200);
    expect(streamedText(again)).toBe("Back again.");
    await waitForBackgroundWork();
  });
});

describe("a message id already stored in another conversation", () => {
  it("is refused with 400 before the model is called, and nothing is stored", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const message = userMessage("Hello [[reply:Fine.]]");
    const first = await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message });
    expect(first.status).toBe(200);
    await waitForBackgroundWork();
    const elsewhere = randomUUID();
    const again = await postChat(POST, { id: elsewhere, model: "openai:gpt-4o-mini", message });
    expect(again.status).toBe(400);
    expect(again.json!.error.message).toMatch(/already used in another conversation/);
    await waitForBackgroundWork();
    expect(await db.current().db.select().from(conversations).where(eq(conversations.id, elsewhere))).toEqual([]);
    expect((await eventsOf(user.id)).filter((e) => e.feature === "chat")).toHaveLength(1);
  });
});

describe("a conversation deleted while its answer streams", () => {
  it("keeps the answer's usage and stores no answer", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const id = randomUUID();
    const response = await POST(
      new Request("http://localhost/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id, model: "openai:gpt-4o-mini", message: userMessage("Slowly [[delay:30]] [[reply:one two three four five]] [[usage:prompt=10,completion=5]]") }),
      }),
    );
    expect(response.status).toBe(200);
    await db.current().db.delete(conversations).where(eq(conversations.id, id));
    await response.text();
    await waitForBackgroundWork();
    const events = (await eventsOf(user.id)).filter((e) => e.feature === "chat");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: "ok", inputNoCacheTokens: 10, outputTokens: 5 });
    expect(await db.current().db.select().from(messages).where(eq(messages.conversationId, id))).toEqual([]);
  });
});
