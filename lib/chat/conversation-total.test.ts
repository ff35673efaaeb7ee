import { describe, expect, it } from "vitest";
import type { ConversationCostPart } from "./contract";
import { conversationTotal, type ShownMessage } from "./conversation-total";

const part = (messageId: string | null, costNano: number, extra: Partial<ConversationCostPart> = {}): ConversationCostPart => ({
  messageId,
  feature: "chat",
  costNano,
  tokens: 100,
  unpricedCalls: 0,
  ...extra,
});
const user = (id: string): ShownMessage => ({ id, role: "user" });
const answer = (id: string, costNano?: number, extra: ShownMessage["metadata"] = {}): ShownMessage => ({
  id,
  role: "assistant",
  metadata: { costNano, inputTokens: 40, outputTokens: 10, ...extra },
});

describe("conversationTotal (the totals rule)", () => {
  it("an empty conversation costs nothing", () => {
    expect(conversationTotal([], [])).toEqual({ costNano: 0, tokens: 0, hasUnpriced: false, replacedCostNano: 0, titleCostNano: 0 });
  });

  it("every recorded answer shown: the total is the sum of the events, nothing replaced", () => {
    const total = conversationTotal([part("a1", 4_000), part("a2", 6_000)], [user("u1"), answer("a1", 4_000), user("u2"), answer("a2", 6_000)]);
    expect(total).toMatchObject({ costNano: 10_000, tokens: 200, replacedCostNano: 0 });
  });

  it("an answer replaced by Regenerate still counts, and says how much of the total it is", () => {
    // a1 was regenerated into a2: only a2 is shown, both were paid for.
    const total = conversationTotal([part("a1", 4_000), part("a2", 9_000)], [user("u1"), answer("a2", 9_000)]);
    expect(total.costNano).toBe(13_000);
    expect(total.replacedCostNano).toBe(4_000);
  });

  it("regenerated twice, with a title: the title is named apart, both replaced answers counted", () => {
    const parts = [part("a1", 1_000), part(null, 300, { feature: "title" }), part("a2", 2_000), part("a3", 5_000)];
    const total = conversationTotal(parts, [user("u1"), answer("a3", 5_000)]);
    expect(total).toMatchObject({ costNano: 8_300, titleCostNano: 300, replacedCostNano: 3_000 });
  });

  it("a shown answer whose usage is not recorded yet adds its streamed cost, once", () => {
    const before = conversationTotal([part("a1", 4_000)], [user("u1"), answer("a1", 4_000), user("u2"), answer("a2", 2_500)]);
    expect(before.costNano).toBe(6_500);
    expect(before.tokens).toBe(100 + 50);
    expect(before.replacedCostNano).toBe(0);
    // Its events arrive: they are counted instead of the streamed numbers (no double count).
    const after = conversationTotal([part("a1", 4_000), part("a2", 2_500)], [user("u1"), answer("a1", 4_000), user("u2"), answer("a2", 2_500)]);
    expect(after.costNano).toBe(6_500);
    expect(after.tokens).toBe(200);
  });

  it("a delegated assistant's calls (no message id) count in the total and in the answer that made them, not as replaced", () => {
    // a1's own steps 2,000 + its delegate 1,500 = 3,500 on the answer.
    const parts = [part("a1", 2_000), part(null, 1_500, { feature: "chat" })];
    const total = conversationTotal(parts, [user("u1"), answer("a1", 3_500)]);
    expect(total).toMatchObject({ costNano: 3_500, replacedCostNano: 0 });
    // Regenerated: the old answer and its delegate are both replaced.
    const regenerated = conversationTotal([...parts, part("a2", 2_000)], [user("u1"), answer("a2", 2_000)]);
    expect(regenerated).toMatchObject({ costNano: 5_500, replacedCostNano: 3_500 });
  });

  it("an answer still streaming (no cost yet) adds nothing; user messages never add", () => {
    const total = conversationTotal([part("a1", 4_000)], [user("u1"), answer("a1", 4_000), user("u2"), { id: "a2", role: "assistant" }]);
    expect(total.costNano).toBe(4_000);
  });

  it("an unpriced call anywhere, recorded or shown, marks the total", () => {
    expect(conversationTotal([part("a1", 0, { unpricedCalls: 1 })], []).hasUnpriced).toBe(true);
    expect(conversationTotal([], [answer("a1", 0, { priced: false })]).hasUnpriced).toBe(true);
    expect(conversationTotal([part("a1", 10)], [answer("a1", 10)]).hasUnpriced).toBe(false);
  });
});
