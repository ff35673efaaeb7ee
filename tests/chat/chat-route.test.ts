import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { conversations, messages, usageDaily, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
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
