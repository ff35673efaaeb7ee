import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { usageEvents } from "@/db/schema";
import type { ConversationDetail } from "@/lib/chat/contract";
import { conversationTotal } from "@/lib/chat/conversation-total";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const conversationRoute = await import("@/app/api/conversations/[id]/route");
const listRoute = await import("@/app/api/conversations/route");
const db = freshDatabasePerFile();
fakeLlmPerFile();

const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function detailOf(id: string): Promise<ConversationDetail> {
  const response = await conversationRoute.GET(new Request(`http://localhost/api/conversations/${id}`), params(id));
  expect(response.status).toBe(200);
  return response.json();
}

/** The conversation's cost straight from SQL: the sum of its usage events. */
async function sqlSum(conversationId: string): Promise<{ cost: number; events: number }> {
  const [row] = await db
    .current()
    .db.select({ cost: sql<string>`coalesce(sum(${usageEvents.costNano}), 0)`, events: sql<string>`count(*)` })
    .from(usageEvents)
    .where(eq(usageEvents.conversationId, conversationId));
  return { cost: Number(row!.cost), events: Number(row!.events) };
}

describe("a conversation's total", () => {
  it("after Regenerate, includes the replaced answer: equals the SQL sum of the conversation's usage events", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const id = randomUUID();
    const first = await postChat(POST, {
      id,
      model: "openai:gpt-4o-mini",
      message: userMessage("Hello [[reply:First answer.]] [[usage:prompt=1000,completion=500,cached=200]]"),
    });
    expect(streamedText(first)).toBe("First answer.");
    await waitForBackgroundWork();
    const before = await detailOf(id);
    const firstAnswer = before.messages.find((m) => m.role === "assistant")!;
    expect(firstAnswer.metadata?.costNano).toBe(435_000);

    const again = await postChat(POST, { id, trigger: "regenerate-message" });
    expect(again.status).toBe(200);
    await waitForBackgroundWork();

    const after = await detailOf(id);
    const answers = after.messages.filter((m) => m.role === "assistant");
    expect(answers).toHaveLength(1);
    expect(answers[0]!.id).not.toBe(firstAnswer.id);
    const shownCost = answers[0]!.metadata!.costNano!;
    expect(shownCost).toBeGreaterThan(0);

    const { cost, events } = await sqlSum(id);
    // Two answers (and the title) were paid for; one answer is shown.
    expect(events).toBeGreaterThanOrEqual(2);
    expect(after.conversation.totalCostNano).toBe(cost);
    expect(after.conversation.totalCostNano).toBeGreaterThan(shownCost);
    // The replaced answer is named: exactly what the first answer cost.
    expect(after.conversation.replacedCostNano).toBe(435_000);
    // The browser applies the same rule to the same parts and its messages: same numbers.
    const inBrowser = conversationTotal(after.conversation.costParts, after.messages);
    expect(inBrowser.costNano).toBe(cost);
    expect(inBrowser.replacedCostNano).toBe(435_000);
    expect(inBrowser.costNano).toBe(shownCost + inBrowser.replacedCostNano + inBrowser.titleCostNano);
  });

  it("the history searches titles on the server (any case, % and _ literal) and refuses a bad query", async () => {
    const user = await newUser();
    signIn(user);
    await addKey(user.id, "openai");
    const titles = ["Trip to Lisbon", "lisbon food", "Budget 100% done", "Budget 1000 done", "snake_case names", "snakeXcase"];
    for (const title of titles) {
      const id = randomUUID();
      await postChat(POST, { id, model: "openai:gpt-4o-mini", message: userMessage(`${title} [[reply:ok]]`) });
      await waitForBackgroundWork();
      const rename = await conversationRoute.PATCH(
        new Request(`http://localhost/api/conversations/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title }) }),
        params(id),
      );
      expect(rename.status).toBe(200);
    }
    const search = async (q: string) => {
      const response = await listRoute.GET(new Request(`http://localhost/api/conversations?q=${encodeURIComponent(q)}`));
      expect(response.status).toBe(200);
      return ((await response.json()).items as { title: string }[]).map((item) => item.title).sort();
    };
    expect(await search("LISBON")).toEqual(["Trip to Lisbon", "lisbon food"].sort());
    expect(await search("100%")).toEqual(["Budget 100% done"]);
    expect(await search("snake_case")).toEqual(["snake_case names"]);
    expect(await search("  ")).toHaveLength(titles.length);
    expect(await search("nothing like it")).toEqual([]);
    const tooLong = await listRoute.GET(new Request(`http://localhost/api/conversations?q=${"x".repeat(121)}`));
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error.message).toMatch(/120 characters/);

    // Someone else's titles are never found.
    const other = await newUser();
    signIn(other);
    expect(await search("Lisbon")).toEqual([]);
  });
});
