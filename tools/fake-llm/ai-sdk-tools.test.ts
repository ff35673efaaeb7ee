import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, stepCountIs, streamText, tool, type LanguageModel, type LanguageModelUsage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { dueToolCalls, parseScript } from "./script";
import { startFakeLlm, type FakeLlm, type FakeProviderName } from "./server";

/**
 * Tool calls through the real AI SDK 7 providers: `[[tool:NAME:JSON]]` makes the fake answer with tool calls in each
 * provider's wire format until the tool results come back, so `generateText` / `streamText` run a real tool loop.
 */

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

const KEY = "sk-test-ai-sdk-tools-0001";
const MAX_OUTPUT_TOKENS = 1024;

interface Case {
  name: string;
  provider: FakeProviderName;
  model: () => LanguageModel;
}

const CASES: Case[] = [
  { name: "OpenAI chat completions (openai.chat)", provider: "openai", model: () => createOpenAI({ baseURL: fake.baseUrls.openai, apiKey: KEY }).chat("gpt-4o-mini") },
  { name: "OpenAI Responses (openai(model))", provider: "openai", model: () => createOpenAI({ baseURL: fake.baseUrls.openai, apiKey: KEY })("gpt-4.1-mini") },
  { name: "Anthropic Messages", provider: "anthropic", model: () => createAnthropic({ baseURL: fake.baseUrls.anthropic, apiKey: KEY })("claude-sonnet-4-5") },
  { name: "Google Gemini", provider: "google", model: () => createGoogleGenerativeAI({ baseURL: fake.baseUrls.google, apiKey: KEY })("gemini-2.5-flash") },
  {
    name: "OpenRouter (openai-compatible)",
    provider: "openrouter",
    model: () => createOpenAICompatible({ name: "openrouter", baseURL: fake.baseUrls.openrouter, apiKey: KEY, includeUsage: true })("openai/gpt-4o-mini"),
  },
  {
    name: "OpenAI-compatible local server",
    provider: "compat",
    model: () => createOpenAICompatible({ name: "ollama", baseURL: fake.baseUrls.compat, includeUsage: true })("llama3.2:latest"),
  },
];

/** The researcher tool: records each call's parsed input and answers with a recognisable string. */
function researcher() {
  const calls: { task: string; depth?: number[] }[] = [];
  const askResearcher = tool({
    description: "Gives a task to the researcher and returns what they found.",
    inputSchema: z.object({ task: z.string(), depth: z.array(z.number()).optional() }),
    execute: async ({ task, depth }) => {
      calls.push(depth ? { task, depth } : { task });
      return `researched: ${task}`;
    },
  });
  return { calls, tools: { ask_researcher: askResearcher } };
}

const USAGE = "[[usage:prompt=100,completion=20]]";

/** Every step's usage as scripted: 100 in, 20 out. */
function expectScriptedUsage(usage: LanguageModelUsage) {
  expect(usage.inputTokens).toBe(100);
  expect(usage.outputTokens).toBe(20);
  expect(usage.totalTokens).toBe(120);
}

/** Runs a stream to its end and sorts out the parts a tool loop produces. */
async function drainTools(result: { fullStream: AsyncIterable<{ type: string }> }) {
  const parts: { type: string }[] = [];
  for await (const part of result.fullStream) parts.push(part);
  return {
    types: parts.map((p) => p.type),
    errors: parts.filter((p) => p.type === "error"),
    toolCalls: parts.filter((p): p is { type: "tool-call"; toolName: string; input: unknown } => p.type === "tool-call"),
    toolResults: parts.filter((p): p is { type: "tool-result"; toolName: string; output: unknown } => p.type === "tool-result"),
    stepUsages: parts
      .filter((p): p is { type: "finish-step"; usage: LanguageModelUsage; finishReason: string } => p.type === "finish-step")
      .map((p) => ({ usage: p.usage, finishReason: p.finishReason })),
    text: parts
      .filter((p): p is { type: "text-delta"; text: string } => p.type === "text-delta")
      .map((p) => p.text)
      .join(""),
  };
}

describe.each(CASES)("tool loop: $name", (c) => {
  it("generateText: calls the tool, sends the result back, answers with it (2 steps, usage on each)", async () => {
    const { calls, tools } = researcher();
    const before = fake.requests.length;
    const result = await generateText({
      model: c.model(),
      prompt: `Look into it. [[tool:ask_researcher:{"task":"find facts: a, b}"}]] ${USAGE}`,
      tools,
      stopWhen: stepCountIs(3),
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
    });
    expect(result.steps).toHaveLength(2);
    expect(calls).toEqual([{ task: "find facts: a, b}" }]);

    const [first, second] = result.steps;
    expect(first!.finishReason).toBe("tool-calls");
    expect(first!.text).toBe("");
    expect(first!.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input }))).toEqual([
      { toolName: "ask_researcher", input: { task: "find facts: a, b}" } },
    ]);
    expect(first!.toolResults.map((r) => r.output)).toEqual(["researched: find facts: a, b}"]);
    expect(second!.finishReason).toBe("stop");
    expect(second!.toolCalls).toEqual([]);
    expect(result.text).toBe("Tool results: researched: find facts: a, b}");

    for (const step of result.steps) expectScriptedUsage(step.usage);
    expect(result.usage.inputTokens).toBe(200);
    expect(result.usage.outputTokens).toBe(40);

    const recorded = fake.requests.slice(before);
    expect(recorded).toHaveLength(2);
    for (const request of recorded) expect(request).toMatchObject({ provider: c.provider, method: "POST", tools: ["ask_researcher"] });
  });

  it("streamText: the same loop, streamed (tool-call and tool-result parts, a finish-step with usage per step)", async () => {
    const { calls, tools } = researcher();
    const result = streamText({
      model: c.model(),
      prompt: `Look into it. [[tool:ask_researcher:{"task":"stream facts","depth":[1,2]}]] ${USAGE}`,
      tools,
      stopWhen: stepCountIs(3),
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
      onError: () => {},
    });
    const streamed = await drainTools(result);
    expect(streamed.errors).toEqual([]);
    expect(calls).toEqual([{ task: "stream facts", depth: [1, 2] }]);
    expect(streamed.toolCalls.map((p) => ({ toolName: p.toolName, input: p.input }))).toEqual([
      { toolName: "ask_researcher", input: { task: "stream facts", depth: [1, 2] } },
    ]);
    expect(streamed.toolResults.map((p) => p.output)).toEqual(["researched: stream facts"]);
    expect(streamed.text).toBe("Tool results: researched: stream facts");
    expect(streamed.stepUsages.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    for (const { usage } of streamed.stepUsages) expectScriptedUsage(usage);

    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect((await result.usage).inputTokens).toBe(200);
  });

  it("[[tool-rounds:2]] drives exactly 3 steps (two sequential tool rounds), streaming and not", async () => {
    const prompt = `Dig twice. [[tool:ask_researcher:{"task":"dig"}]] [[tool-rounds:2]] [[reply:Done digging.]] ${USAGE}`;
    const generated = researcher();
    const result = await generateText({
      model: c.model(),
      prompt,
      tools: generated.tools,
      stopWhen: stepCountIs(5),
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
    });
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "tool-calls", "stop"]);
    expect(generated.calls).toEqual([{ task: "dig" }, { task: "dig" }]);
    expect(result.text).toBe("Done digging.");
    for (const step of result.steps) expectScriptedUsage(step.usage);

    const streamedTool = researcher();
    const stream = streamText({
      model: c.model(),
      prompt,
      tools: streamedTool.tools,
      stopWhen: stepCountIs(3),
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
      onError: () => {},
    });
    const streamed = await drainTools(stream);
    expect(streamed.errors).toEqual([]);
    expect(streamed.stepUsages.map((s) => s.finishReason)).toEqual(["tool-calls", "tool-calls", "stop"]);
    expect(streamedTool.calls).toHaveLength(2);
    expect(streamed.text).toBe("Done digging.");
    for (const { usage } of streamed.stepUsages) expectScriptedUsage(usage);
  });

  it("several tool directives are parallel tool calls in one answer", async () => {
    const { calls, tools } = researcher();
    const result = await generateText({
      model: c.model(),
      prompt: `[[tool:ask_researcher:{"task":"one"}]] [[tool:ask_researcher:{"task":"two"}]]`,
      tools,
      stopWhen: stepCountIs(3),
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls.map((call) => call.input)).toEqual([{ task: "one" }, { task: "two" }]);
    expect(calls).toEqual([{ task: "one" }, { task: "two" }]);
    expect(result.text).toBe("Tool results: researched: one | researched: two");
    // Unscripted usage is estimated, for tool-call answers too.
    expect(result.steps[0]!.usage.outputTokens).toBeGreaterThan(0);
    expect(result.steps[0]!.usage.inputTokens).toBeGreaterThan(0);
  });
});

describe("tool directives", () => {
  it("parses names and JSON arguments (with `:`, `}` and `]`), rounds, and which answers call tools", () => {
    const script = parseScript('go [[tool:ask_researcher:{"task":"a: b}","list":[1,2]}]] [[tool:noop]] [[tool-rounds:2]] [[reply:ok]]');
    expect(script.tools).toEqual([
      { name: "ask_researcher", arguments: '{"task":"a: b}","list":[1,2]}', input: { task: "a: b}", list: [1, 2] } },
      { name: "noop", arguments: "{}", input: {} },
    ]);
    expect(script.toolRounds).toBe(2);
    expect(script.reply).toBe("ok");
    const declared = ["ask_researcher", "noop"];
    expect(dueToolCalls(script, 0, declared)).toHaveLength(2);
    expect(dueToolCalls(script, 1, declared)).toHaveLength(2);
    expect(dueToolCalls(script, 2, declared)).toEqual([]);
    // Only declared tools are called, as a real model only calls those.
    expect(dueToolCalls(script, 0, ["noop"]).map((call) => call.name)).toEqual(["noop"]);
    expect(dueToolCalls(script, 0, undefined)).toEqual([]);
    expect(parseScript("[[tool:x:{}]]", ["first", "second"]).reply).toBe("Tool results: first | second");
    // No tool directives: no tool fields at all (existing scripts are unchanged).
    expect(parseScript("[[reply:hi]]")).toEqual({ reply: "hi", delayMs: 0 });
  });

  it("OpenAI wire format: tool_calls, finish_reason tool_calls, usage; a tool message turns it into text", async () => {
    const lookup = { type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } };
    const post = (messages: object[], tools: object[] | null = [lookup]) =>
      fetch(`${fake.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: "gpt-4o-mini", messages, ...(tools ? { tools } : {}) }),
      }).then((r) => r.json());
    const prompt = { role: "user", content: '[[tool:lookup:{"q":"x"}]] [[usage:prompt=10,completion=5]]' };

    // Without the tool in the request (a chat-title call, say), the same prompt gets text.
    const untooled = await post([prompt], null);
    expect(untooled.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: expect.stringContaining("fake upstream answering") } });
    expect(fake.requests.at(-1)?.tools).toBeUndefined();

    const first = await post([prompt]);
    expect(fake.requests.at(-1)?.tools).toEqual(["lookup"]);
    expect(first.choices[0].finish_reason).toBe("tool_calls");
    expect(first.choices[0].message).toMatchObject({ role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] });
    expect(first.choices[0].message.tool_calls[0].id).toMatch(/^call_/);
    expect(first.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5 });

    const id = first.choices[0].message.tool_calls[0].id;
    const second = await post([prompt, first.choices[0].message, { role: "tool", tool_call_id: id, content: "x is 42" }]);
    expect(second.choices[0].finish_reason).toBe("stop");
    expect(second.choices[0].message.content).toBe("Tool results: x is 42");
    expect(second.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5 });
  });
});

describe("tool-call answers and the other directives", () => {
  it("cut-after counts the streamed argument pieces: a tool call cut mid-arguments never runs", async () => {
    const { calls, tools } = researcher();
    const result = streamText({
      model: createOpenAI({ baseURL: fake.baseUrls.openai, apiKey: KEY }).chat("gpt-4o-mini"),
      prompt: '[[tool:ask_researcher:{"task":"a task long enough for several pieces"}]] [[cut-after:2]]',
      tools,
      stopWhen: stepCountIs(3),
      maxRetries: 0,
      onError: () => {},
    });
    let thrown: unknown;
    try {
      await drainTools(result);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeDefined();
    expect(calls).toEqual([]);
  });

  it("Gemini's JSON-array stream (no alt=sse) carries the functionCall and the closing usage", async () => {
    const response = await fetch(`${fake.url}/google/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": KEY },
      body: JSON.stringify({
        contents: [{ role: "user", parts: [{ text: '[[tool:lookup:{"q":"x"}]] [[usage:prompt=10,completion=5]]' }] }],
        tools: [{ functionDeclarations: [{ name: "lookup", parameters: { type: "object" } }] }],
      }),
    });
    const chunks = (await response.json()) as { candidates: { content: { parts: object[] }; finishReason?: string }[]; usageMetadata: object }[];
    expect(chunks[0]!.candidates[0]!.content.parts).toEqual([{ functionCall: { name: "lookup", args: { q: "x" } } }]);
    expect(chunks.at(-1)!.candidates[0]!.finishReason).toBe("STOP");
    expect(chunks.at(-1)!.usageMetadata).toMatchObject({ promptTokenCount: 10, candidatesTokenCount: 5 });
  });
});
