import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { insertAssistant } from "@/db/queries/assistants";
import { conversations, messages, usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const conversationRoute = await import("@/app/api/conversations/[id]/route");
const listRoute = await import("@/app/api/conversations/route");
const db = freshDatabasePerFile();
const llm = fakeLlmPerFile();

const params = (id: string) => ({ params: Promise.resolve({ id }) });

describe("assistants that delegate", () => {
  it("a 3-step tool loop gives 3 chat events, and each delegated call is its own event on the delegate's model", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    await addKey(user.id, "anthropic");
    const researcher = (await insertAssistant({ userId: user.id, name: "Researcher", systemPrompt: "You find facts.", preferredModel: "anthropic:claude-haiku-4-5", delegateIds: [] }))!;
    const lead = (await insertAssistant({ userId: user.id, name: "Lead", systemPrompt: "You coordinate.", preferredModel: "openai:gpt-4o-mini", delegateIds: [researcher.id] }))!;
    const id = randomUUID();
    const call = await postChat(POST, {
      id,
      assistantId: lead.id,
      message: userMessage('Plan it [[tool:ask_researcher:{"task":"find three facts"}]] [[tool-rounds:2]] [[reply:All done.]] [[usage:prompt=100,completion=20]]'),
    });
    expect(call.status).toBe(200);
    expect(streamedText(call)).toContain("All done.");
    expect(call.chunks.some((c) => c.type === "tool-output-available")).toBe(true);
    await waitForBackgroundWork();

    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.conversationId, id));
    const main = events.filter((e) => e.feature === "chat");
    const delegated = events.filter((e) => e.feature === "assistant:Researcher");
    expect(main).toHaveLength(3);
    for (const e of main) expect(e).toMatchObject({ provider: "openai", model: "gpt-4o-mini", assistantId: lead.id, status: "ok", inputNoCacheTokens: 100, outputTokens: 20, costNano: 27_000 });
    expect(delegated).toHaveLength(2);
    for (const e of delegated) expect(e).toMatchObject({ provider: "anthropic", model: "claude-haiku-4-5", assistantId: researcher.id, status: "ok" });
    // The delegate got the task, on its own system prompt and model.
    const delegateRequests = llm.current().requests.filter((r) => r.provider === "anthropic" && r.path === "/messages");
    expect(JSON.stringify(delegateRequests.at(-1)!.body)).toContain("find three facts");
    expect(JSON.stringify(delegateRequests.at(-1)!.body)).toContain("You find facts.");
    // The answer's metadata adds every call it took: 3 main steps and 2 delegated calls.
    const [answer] = (await db.current().db.select().from(messages).where(eq(messages.conversationId, id))).filter((m) => m.role === "assistant");
    const sum = [...main, ...delegated].reduce((s, e) => s + (e.costNano ?? 0), 0);
    expect(answer!.metadata).toMatchObject({ costNano: sum, status: "ok" });
  });

  it("someone else's assistant cannot be used", async () => {
    const owner = await newUser();
    const theirs = (await insertAssistant({ userId: owner.id, name: "Private", systemPrompt: "secret prompt", preferredModel: null, delegateIds: [] }))!;
    const other = await newUser();
    signIn(other);
    await addKey(other.id, "openai");
    const call = await postChat(POST, { id: randomUUID(), assistantId: theirs.id, model: "openai:gpt-4o-mini", message: userMessage("hi") });
    expect(call.status).toBe(404);
    expect(JSON.stringify(llm.current().requests.slice(-3))).not.toContain("secret prompt");
  });
});

describe("conversations belong to their user", () => {
  it("a second user cannot read, rename, delete or list the first user's conversation", async () => {
    const owner = await newUser();
    signIn(owner);
    await addKey(owner.id, "openai");
    const id = randomUUID();
    await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage("private [[reply:ok]]") });
    await waitForBackgroundWork();

    const other = await newUser();
    signIn(other);
    const read = await conversationRoute.GET(new Request(`http://localhost/api/conversations/${id}`), params(id));
    expect(read.status).toBe(404);
    const rename = await conversationRoute.PATCH(
      new Request(`http://localhost/api/conversations/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "mine now" }) }),
      params(id),
    );
    expect(rename.status).toBe(404);
    const remove = await conversationRoute.DELETE(new Request(`http://localhost/api/conversations/${id}`, { method: "DELETE" }), params(id));
    expect(remove.status).toBe(404);
    const list = await (await listRoute.GET(new Request("http://localhost/api/conversations"))).json();
    expect(list.items).toEqual([]);
    const [still] = await db.current().db.select().from(conversations).where(eq(conversations.id, id));
    expect(still).toMatchObject({ userId: owner.id });
    expect(still!.title).not.toBe("mine now");

    signIn(owner);
    const detail = await (await conversationRoute.GET(new Request(`http://localhost/api/conversations/${id}`), params(id))).json();
    expect(detail.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
    expect(detail.conversation.totalCostNano).toBeGreaterThan(0);
    const renamed = await conversationRoute.PATCH(
      new Request(`http://localhost/api/conversations/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Renamed" }) }),
      params(id),
    );
    expect((await renamed.json()).title).toBe("Renamed");
    const empty = await conversationRoute.PATCH(new Request(`http://localhost/api/conversations/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: " " }) }), params(id));
    expect(empty.status).toBe(400);
    const removed = await conversationRoute.DELETE(new Request(`http://localhost/api/conversations/${id}`, { method: "DELETE" }), params(id));
    expect(removed.status).toBe(204);
    // Usage stays (the dashboard still counts it); only the link to the conversation goes.
    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, owner.id));
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.conversationId === null)).toBe(true);
  });

  it("pages the list newest first with a cursor and rejects bad paging", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    for (let i = 0; i < 3; i++) {
      await postChat(POST, { id: randomUUID(), model: "openai:gpt-4o-mini", message: userMessage(`chat ${i} [[reply:ok]]`) });
    }
    await waitForBackgroundWork();
    const first = await (await listRoute.GET(new Request("http://localhost/api/conversations?limit=2"))).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await (await listRoute.GET(new Request(`http://localhost/api/conversations?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`))).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(3);
    expect((await listRoute.GET(new Request("http://localhost/api/conversations?limit=500"))).status).toBe(400);
    expect((await listRoute.GET(new Request("http://localhost/api/conversations?cursor=bogus"))).status).toBe(400);
  });
});
