import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readConversationTurn, writeTurnAtOnce } from "@/db/queries/chat-turn";
import { insertMessage } from "@/db/queries/conversations";
import { createSession, revokeSession } from "@/db/queries/sessions";
import { newUser } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

freshDatabasePerFile();

describe("readConversationTurn (a chat turn's one read)", () => {
  it("reads nothing for a new conversation, and where a message id is stored already", async () => {
    const user = await newUser();
    const other = randomUUID();
    const used = randomUUID();
    await writeTurnAtOnce({ id: other, userId: user.id, model: "openai:gpt-4o-mini", assistantId: null, message: { id: used, parts: [{ type: "text", text: "hi" }] } });

    expect(await readConversationTurn({ id: randomUUID(), messageId: randomUUID() })).toEqual({ conversation: undefined, messages: [], messageHome: undefined });
    expect(await readConversationTurn({ id: randomUUID(), messageId: used })).toEqual({ conversation: undefined, messages: [], messageHome: other });
    expect((await readConversationTurn({ id: randomUUID(), messageId: null })).messageHome).toBeUndefined();
  });

  it("with a session token's claim, is the session check: the user while that session holds, no one otherwise", async () => {
    const user = await newUser();
    const now = new Date();
    const session = (await createSession({ userId: user.id, now, expiresAt: new Date(now.getTime() + 60_000) }))!;
    const id = randomUUID();
    await writeTurnAtOnce({ id, userId: user.id, model: "openai:gpt-4o-mini", assistantId: null, message: { id: randomUUID(), parts: [{ type: "text", text: "hi" }] } });
    const claim = { userId: user.id, sessionId: session.id, sessionVersion: session.sessionVersion };
    const read = (claimed: typeof claim, at = now) => readConversationTurn({ id, messageId: null, session: { claim: claimed, now: at } });

    const held = await read(claim);
    expect(held.sessionUser).toMatchObject({ id: user.id, email: user.email });
    expect(held.conversation?.id).toBe(id);
    expect(held.messages).toHaveLength(1);
    // Another version (a password or role change since), another user, an expired or malformed claim: no user, the
    // rest read as before.
    expect((await read({ ...claim, sessionVersion: claim.sessionVersion + 1 })).sessionUser).toBeUndefined();
    expect((await read({ ...claim, userId: (await newUser()).id })).sessionUser).toBeUndefined();
    expect((await read(claim, new Date(now.getTime() + 120_000))).sessionUser).toBeUndefined();
    const malformed = await read({ ...claim, sessionId: "not-a-session" });
    expect(malformed.sessionUser).toBeUndefined();
    expect(malformed.messages).toHaveLength(1);
    // Signed out.
    await revokeSession({ id: session.id, now });
    expect((await read(claim)).sessionUser).toBeUndefined();
    // Without a claim, no user is read.
    expect((await readConversationTurn({ id, messageId: null })).sessionUser).toBeUndefined();
  });

  it("reads the conversation (whoever owns it) and its messages in order", async () => {
    const user = await newUser();
    const id = randomUUID();
    const first = randomUUID();
    await writeTurnAtOnce({ id, userId: user.id, model: "openai:gpt-4o-mini", assistantId: null, message: { id: first, parts: [{ type: "text", text: "one" }] } });
    await insertMessage({ id: randomUUID(), conversationId: id, role: "assistant", parts: [{ type: "text", text: "two" }], metadata: { status: "ok" } });
    await insertMessage({ id: randomUUID(), conversationId: id, role: "user", parts: [{ type: "text", text: "three" }] });

    const read = await readConversationTurn({ id, messageId: first });
    expect(read.conversation).toMatchObject({ id, userId: user.id, model: "openai:gpt-4o-mini", title: null });
    expect(read.conversation!.createdAt).toBeInstanceOf(Date);
    expect(read.messages.map((m) => [m.role, (m.parts as { text: string }[])[0]!.text, m.metadata])).toEqual([
      ["user", "one", null],
      ["assistant", "two", { status: "ok" }],
      ["user", "three", null],
    ]);
    const seqs = read.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(read.messages[0]!.createdAt).toBeInstanceOf(Date);
    expect(read.messageHome).toBe(id);
  });
});

describe("insertMessage (also the answer beside its usage)", () => {
  it("stores or rewrites a message while its conversation exists, and is a no-op otherwise", async () => {
    const user = await newUser();
    const id = randomUUID();
    await writeTurnAtOnce({ id, userId: user.id, model: "openai:gpt-4o-mini", assistantId: null, message: { id: randomUUID(), parts: [{ type: "text", text: "hi" }] } });
    const answer = randomUUID();
    expect(await insertMessage({ id: answer, conversationId: id, role: "assistant", parts: [{ type: "text", text: "one" }], metadata: { status: "ok" } })).toBe(true);
    expect(await insertMessage({ id: answer, conversationId: id, role: "assistant", parts: [{ type: "text", text: "two" }], metadata: null })).toBe(true);
    const read = await readConversationTurn({ id, messageId: null });
    expect(read.messages.map((m) => [m.role, m.parts, m.metadata])).toEqual([
      ["user", [{ type: "text", text: "hi" }], null],
      ["assistant", [{ type: "text", text: "two" }], null],
    ]);
    // Another conversation's message id, or a conversation that is gone: nothing written, nothing thrown.
    const other = randomUUID();
    await writeTurnAtOnce({ id: other, userId: user.id, model: "openai:gpt-4o-mini", assistantId: null, message: null });
    expect(await insertMessage({ id: answer, conversationId: other, role: "assistant", parts: [{ type: "text", text: "x" }], metadata: null })).toBe(false);
    expect(await insertMessage({ id: randomUUID(), conversationId: randomUUID(), role: "user", parts: [{ type: "text", text: "x" }], metadata: null })).toBe(false);
    expect((await readConversationTurn({ id: other, messageId: null })).messages).toEqual([]);
  });
});
