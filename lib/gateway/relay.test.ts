import type { LanguageModel } from "ai";
import { describe, expect, it, vi } from "vitest";
import type { ResolvedModel } from "@/lib/providers/resolve-model";
import { answerOf } from "@/lib/providers/upstream-fetch";
import { meteredCall, type Step } from "@/lib/usage/metered-call";
import * as tokens from "@/lib/usage/tokens";
import { openAIChatObserver } from "./openai-chat";
import { relayEvents } from "./relay";

/** The relay on its own: an OpenAI-style stream, as the provider sends it, relayed and metered (nothing stored). */

const target: ResolvedModel = { model: {} as LanguageModel, provider: "openai", modelId: "gpt-4o-mini", keySource: "user" };
const context = { userId: "00000000-0000-4000-8000-000000000001", feature: "api", source: "gateway" as const, overrides: [], requestId: "relay-1" };

/** A provider's answer as the forwarder hands it to the relay. */
function sourceOf(response: Response) {
  const answer = answerOf(response);
  return { status: answer.status, body: answer.body! };
}

const chunk = (content: string) => `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content } }] })}\n\n`;

/** `words` content chunks (one word each), a finish chunk, the usage chunk and [DONE], a few events per read. */
function providerStream(words: number, usage: { prompt_tokens: number; completion_tokens: number }): { response: Response; bytes: string } {
  const events = Array.from({ length: words }, (_, i) => chunk(`word${i % 10} `));
  events.push(`data: ${JSON.stringify({ id: "c1", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
  events.push(`data: ${JSON.stringify({ id: "c1", choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`, "data: [DONE]\n\n");
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= events.length) return controller.close();
      controller.enqueue(encoder.encode(events.slice(i, i + 3).join("")));
      i += 3;
    },
  });
  return { response: new Response(body, { headers: { "content-type": "text/event-stream" } }), bytes: events.join("") };
}

function relay(words: number, cap: number, clientWantsUsage = true) {
  const call = meteredCall(target, context);
  const step: Step = { reservation: { maxOutputTokens: cap } as Step["reservation"], promptTokens: 10, maxOutputTokens: cap, startedAt: Date.now() };
  call.beginStep();
  const { response, bytes } = providerStream(words, { prompt_tokens: 10, completion_tokens: words * 2 });
  const relayed = relayEvents({
    upstream: sourceOf(response),
    call,
    step,
    observer: openAIChatObserver(clientWantsUsage),
    clientSignal: new AbortController().signal,
    headers: { "content-type": "text/event-stream" },
    settle: () => undefined,
  });
  return { call, relayed, bytes };
}

describe("the stream relay", () => {
  it("relays a long answer byte for byte, tokenizing its text a few dozen times at most, not at every event", async () => {
    const counts = vi.spyOn(tokens, "estimateTokens");
    // 4,000 words: their chunks' bytes pass a 16,384-token cap long before the text's tokens would.
    const { call, relayed, bytes } = relay(4_000, 16_384);
    expect(await relayed.text()).toBe(bytes);
    const tokenizations = counts.mock.calls.length;
    counts.mockRestore();
    expect(tokenizations).toBeGreaterThan(0);
    expect(tokenizations).toBeLessThan(60);
    expect(call.records).toHaveLength(1);
    expect(call.records[0]).toMatchObject({ status: "ok", usage: { inputNoCache: 10, output: 8_000 }, estimated: false });
  });

  it("leaves out the usage chunk the client did not ask for, and nothing else", async () => {
    const { call, relayed, bytes } = relay(50, 16_384, false);
    const usageChunk = bytes.split("\n\n").find((event) => event.includes('"usage"'))!;
    expect(await relayed.text()).toBe(bytes.replace(`${usageChunk}\n\n`, ""));
    expect(call.records[0]).toMatchObject({ status: "ok", usage: { inputNoCache: 10, output: 100 }, estimated: false });
  });

  it("estimates the output from every chunk's text when the provider reports no usage", async () => {
    const call = meteredCall(target, context);
    const step: Step = { reservation: null, promptTokens: 10, maxOutputTokens: 1_000, startedAt: Date.now() };
    call.beginStep();
    const words = Array.from({ length: 30 }, (_, i) => `word${i % 10} `);
    const encoder = new TextEncoder();
    const reads = [0, 5, 10, 15, 20, 25].map((i) => words.slice(i, i + 5).map(chunk).join(""));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = reads.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    });
    const relayed = relayEvents({ upstream: sourceOf(new Response(body)), call, step, observer: openAIChatObserver(false), clientSignal: new AbortController().signal, headers: {}, settle: () => undefined });
    await relayed.text();
    // Ended without [DONE] or usage: an error, with the output estimated from all 30 chunks' text.
    expect(call.records[0]).toMatchObject({ status: "error", estimated: true, usage: { output: tokens.estimateTokens(words.join("")) } });
  });

  it("still cuts a provider that runs past the cap where the text passes it (estimated output = the cap)", async () => {
    const { call, relayed } = relay(4_000, 300);
    const text = await relayed.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const passedOn = text
      .split("\n\n")
      .filter((event) => event.includes('"content":"word'))
      .map((event) => (JSON.parse(event.slice("data: ".length)) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content)
      .join("");
    // Everything up to the event that passed the cap, and nothing after.
    expect(tokens.estimateTokens(passedOn)).toBeLessThanOrEqual(300);
    const words = passedOn.split(" ").length - 1;
    expect(tokens.estimateTokens(`${passedOn}word${words % 10} `)).toBeGreaterThan(300);
    expect(call.records[0]).toMatchObject({ status: "aborted", stopReason: "budget", usage: { output: 300 }, estimated: true });
  });

  /** A stream of `events` cut into reads of `size` bytes (through characters, as TCP may cut them). */
  function cutInto(events: string[], size: number): Response {
    const bytes = new TextEncoder().encode(events.join(""));
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      },
    });
    return new Response(body);
  }

  function relayOf(upstream: Response, clientWantsUsage: boolean, reservation: Step["reservation"] = null) {
    const call = meteredCall(target, context);
    const step: Step = { reservation, promptTokens: 10, maxOutputTokens: 1_000, startedAt: Date.now() };
    call.beginStep();
    const relayed = relayEvents({ upstream: sourceOf(upstream), call, step, observer: openAIChatObserver(clientWantsUsage), clientSignal: new AbortController().signal, headers: {}, settle: () => undefined });
    return { call, relayed };
  }

  it("relays text cut inside its characters byte for byte, and reads that text whole", async () => {
    const words = ["héllo ", "wörld ", "日本語 ", "🎉🎉 ", "naïve ", "ok"];
    const usage = `data: ${JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 10, completion_tokens: 12, total_tokens: 22 } })}\n\n`;
    const events = [...words.map(chunk), usage, "data: [DONE]\n\n"];
    for (const size of [1, 2, 3, 5, 7, 64, 10_000]) {
      // With the usage chunk: passed on as it came.
      const withUsage = relayOf(cutInto(events, size), true);
      expect(await withUsage.relayed.text()).toBe(events.join(""));
      expect(withUsage.call.records[0]).toMatchObject({ status: "ok", usage: { output: 12 } });
      // Without it (the client did not ask): everything else, byte for byte.
      const without = relayOf(cutInto(events, size), false);
      expect(await without.relayed.text()).toBe(events.filter((event) => event !== usage).join(""));
      // No usage at all: the output is estimated from the whole text, every character intact.
      const unreported = relayOf(cutInto([...words.map(chunk), "data: [DONE]\n\n"], size), false);
      await unreported.relayed.text();
      expect(unreported.call.records[0]).toMatchObject({ status: "ok", estimated: true, usage: { output: tokens.estimateTokens(words.join("")) } });
    }
  });

  it("reads events separated by CRLF blank lines, and leaves out only the usage chunk", async () => {
    const crlf = (event: string) => event.replace(/\n/g, "\r\n");
    const usage = crlf(`data: ${JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18 } })}\n\n`);
    const events = [...["a ", "b ", "c ", "d"].map((word) => crlf(chunk(word))), usage, "data: [DONE]\r\n\r\n"];
    for (const size of [4, 10_000]) {
      const { call, relayed } = relayOf(cutInto(events, size), false);
      expect(await relayed.text()).toBe(events.filter((event) => event !== usage).join(""));
      expect(call.records[0]).toMatchObject({ status: "ok", usage: { output: 8 }, ttftMs: expect.any(Number) });
    }
  });
});
