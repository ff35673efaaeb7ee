import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { usageEvents } from "@/db/schema";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { estimateTokens } from "@/lib/usage/tokens";
import { addKey, fakeLlmPerFile, newUser, postChat, signIn, streamedText, userMessage } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const { POST } = await import("@/app/api/chat/route");
const db = freshDatabasePerFile();
fakeLlmPerFile();

const chatEvents = async (userId: string) =>
  (await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId))).filter((e) => e.feature === "chat");

/** Three words stream, then the connection drops: no usage at the end, no closing events. */
const STREAMED = "alpha beta gamma ";
const STREAMED_TOKENS = estimateTokens(STREAMED);
const BREAK = "Break [[cut-after:3]] [[reply:alpha beta gamma delta epsilon zeta]] [[usage:prompt=1300,cached=400,cacheWrite=100,completion=300]]";

async function brokenChat(provider: "openai" | "anthropic" | "google", model: string, prompt = BREAK) {
  const user = await newUser();
  signIn(user);
  await addKey(user.id, provider);
  const call = await postChat(POST, { id: randomUUID(), model, message: userMessage(prompt) });
  await waitForBackgroundWork();
  expect(call.status).toBe(200);
  expect(streamedText(call)).toBe(STREAMED);
  const error = call.chunks.find((c) => c.type === "error");
  const [event] = await chatEvents(user.id);
  return { errorText: String(error?.errorText), event: event! };
}

describe("a stream that breaks mid-answer", () => {
  it("Anthropic: says the stream broke, keeps the input and cache tokens it reported at the start and estimates only the output", async () => {
    const { errorText, event } = await brokenChat("anthropic", "anthropic:claude-sonnet-4-5");
    expect(errorText).toMatch(new RegExp(`^The stream from Anthropic broke after ${STREAMED_TOKENS} tokens \\(terminated\\)\\. The answer so far is kept`));
    expect(errorText).not.toMatch(/\(200/);
    // message_start reported input 800, cache read 400, cache write 100: kept as reported.
    expect(event).toMatchObject({ status: "error", estimated: true, estimatedParts: ["output"], inputNoCacheTokens: 800, cacheReadTokens: 400, cacheWriteTokens: 100 });
    expect(event.outputTokens).toBe(STREAMED_TOKENS);
    // $3 input, $0.30 cache read, $3.75 cache write, $15 output per MTok: 800×3,000 + 400×300 + 100×3,750 + output×15,000.
    expect(event.costNano).toBe(2_400_000 + 120_000 + 375_000 + STREAMED_TOKENS * 15_000);
    expect(event.errorMessage).toBe(`stream broke after ${STREAMED_TOKENS} tokens: terminated`);
  });

  it("OpenAI: says the stream broke; nothing was reported, so input and output are both estimated", async () => {
    const { errorText, event } = await brokenChat("openai", "openai:gpt-4o-mini");
    expect(errorText).toMatch(new RegExp(`^The stream from OpenAI broke after ${STREAMED_TOKENS} tokens \\(terminated\\)\\. The answer so far is kept`));
    expect(errorText).not.toMatch(/\(200/);
    expect(event).toMatchObject({ status: "error", estimated: true, estimatedParts: ["input", "output"], cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: STREAMED_TOKENS });
    expect(event.inputNoCacheTokens).toBeGreaterThan(0);
    expect(event.inputNoCacheTokens).toBeLessThan(100); // the prompt estimated, not the scripted 1,300 that never arrived
  });

  it("Gemini: keeps the prompt tokens every chunk reported (read from the raw chunks) and estimates the output", async () => {
    const prompt = "Break [[cut-after:3]] [[reply:alpha beta gamma delta epsilon zeta]] [[usage:prompt=1300,completion=300]]";
    const { errorText, event } = await brokenChat("google", "google:gemini-2.5-flash", prompt);
    expect(errorText).toMatch(/^The stream from Google Gemini broke after \d+ tokens/);
    expect(event).toMatchObject({ status: "error", estimated: true, estimatedParts: ["output"], inputNoCacheTokens: 1300, outputTokens: STREAMED_TOKENS });
  });
});
