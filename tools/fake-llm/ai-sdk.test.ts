import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, streamText, type LanguageModel, type LanguageModelUsage } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type FakeProviderName } from "./server";

/**
 * The fake upstream driven by the real AI SDK 7 providers: if these pass, the SDK parses every answer, stream,
 * usage object and error the fake sends exactly as it parses the real providers'.
 */

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());

const KEY = "sk-test-ai-sdk-0001";
const BAD_KEY = "sk-test-invalid-ai-sdk-0002";

/** The SDK's usage, without `raw` (checked separately where it matters). */
type Usage = Omit<LanguageModelUsage, "raw">;

interface Case {
  name: string;
  provider: FakeProviderName;
  model: (apiKey: string) => LanguageModel;
  /** The path the SDK calls, below the base URL. */
  path: string | RegExp;
  /** The `[[usage:…]]` (and `[[cost:…]]`) directives for the usage test… */
  usageDirective: string;
  /** …and what the SDK must report for them. */
  usage: Usage;
  /** Fields the provider's raw usage object must carry (what the app's meter reads off the wire). */
  rawUsage: Record<string, unknown>;
  /** The status the SDK reports for a refused key (`undefined`: keys are never refused). */
  rejectedStatus?: number;
}

const OPENAI_USAGE: Usage = {
  inputTokens: 1000,
  inputTokenDetails: { noCacheTokens: 800, cacheReadTokens: 200, cacheWriteTokens: undefined },
  outputTokens: 500,
  outputTokenDetails: { textTokens: 450, reasoningTokens: 50 },
  totalTokens: 1500,
};
const OPENAI_DIRECTIVE = "[[usage:prompt=1000,completion=500,cached=200,reasoning=50]]";

const openai = (apiKey: string) => createOpenAI({ baseURL: fake.baseUrls.openai, apiKey });

const CASES: Case[] = [
  {
    name: "OpenAI chat completions (openai.chat)",
    provider: "openai",
    model: (apiKey) => openai(apiKey).chat("gpt-4o-mini"),
    path: "/chat/completions",
    usageDirective: OPENAI_DIRECTIVE,
    usage: OPENAI_USAGE,
    rawUsage: { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 }, completion_tokens_details: { reasoning_tokens: 50 } },
    rejectedStatus: 401,
  },
  {
    name: "OpenAI Responses (openai(model))",
    provider: "openai",
    model: (apiKey) => openai(apiKey)("gpt-4.1-mini"),
    path: "/responses",
    usageDirective: OPENAI_DIRECTIVE,
    usage: OPENAI_USAGE,
    rawUsage: {
      input_tokens: 1000,
      input_tokens_details: { cached_tokens: 200 },
      output_tokens: 500,
      output_tokens_details: { reasoning_tokens: 50 },
      total_tokens: 1500,
    },
    rejectedStatus: 401,
  },
  {
    name: "Anthropic Messages",
    provider: "anthropic",
    model: (apiKey) => createAnthropic({ baseURL: fake.baseUrls.anthropic, apiKey })("claude-sonnet-4-5"),
    path: "/messages",
    // 1300 input tokens in all: 400 read from the cache, 100 written to it, 800 plain.
    usageDirective: "[[usage:prompt=1300,cached=400,cacheWrite=100,completion=300]]",
    usage: {
      inputTokens: 1300,
      inputTokenDetails: { noCacheTokens: 800, cacheReadTokens: 400, cacheWriteTokens: 100 },
      outputTokens: 300,
      outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
      totalTokens: 1600,
    },
    rawUsage: { input_tokens: 800, cache_creation_input_tokens: 100, cache_read_input_tokens: 400, output_tokens: 300 },
    rejectedStatus: 401,
  },
  {
    name: "Google Gemini",
    provider: "google",
    model: (apiKey) => createGoogleGenerativeAI({ baseURL: fake.baseUrls.google, apiKey })("gemini-2.5-flash"),
    path: /^\/models\/gemini-2\.5-flash:(generateContent|streamGenerateContent)$/,
    usageDirective: OPENAI_DIRECTIVE,
    usage: OPENAI_USAGE,
    // Gemini counts thoughts apart from the candidates: 450 + 50.
    rawUsage: { promptTokenCount: 1000, cachedContentTokenCount: 200, candidatesTokenCount: 450, thoughtsTokenCount: 50, totalTokenCount: 1500 },
    // Google answers a bad key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), not 401.
    rejectedStatus: 400,
  },
  {
    name: "OpenRouter (openai-compatible)",
    provider: "openrouter",
    model: (apiKey) => createOpenAICompatible({ name: "openrouter", baseURL: fake.baseUrls.openrouter, apiKey, includeUsage: true })("openai/gpt-4o-mini"),
    path: "/chat/completions",
    usageDirective: `${OPENAI_DIRECTIVE} [[cost:0.00012]]`,
    usage: OPENAI_USAGE,
    rawUsage: {
      prompt_tokens: 1000,
      completion_tokens: 500,
      cost: 0.00012,
      prompt_tokens_details: { cached_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 50 },
    },
    rejectedStatus: 401,
  },
  {
    name: "OpenAI-compatible local server (no key)",
    provider: "compat",
    // No apiKey at all, as for a local Ollama; the key argument is ignored.
    model: () => createOpenAICompatible({ name: "ollama", baseURL: fake.baseUrls.compat, includeUsage: true })("llama3.2:latest"),
    path: "/chat/completions",
    usageDirective: OPENAI_DIRECTIVE,
    usage: OPENAI_USAGE,
    rawUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
  },
];

/** Plenty for every reply; Anthropic needs max_tokens and the SDK would otherwise pick a model-specific default. */
const MAX_OUTPUT_TOKENS = 1024;

function withoutRaw(usage: LanguageModelUsage): Usage {
  const rest: Usage & { raw?: unknown } = { ...usage };
  delete rest.raw;
  return rest;
}

/**
 * Runs a stream to its end, collecting the text deltas, the errors and the final usage. Errors come two ways: as
 * `error` parts (an HTTP error answer, an error event) or thrown by the stream itself (a dropped connection).
 */
async function drain(model: LanguageModel, prompt: string) {
  const result = streamText({ model, prompt, maxOutputTokens: MAX_OUTPUT_TOKENS, maxRetries: 0, onError: () => {} });
  const deltas: string[] = [];
  const errors: unknown[] = [];
  let thrown: unknown;
  let finishUsage: LanguageModelUsage | undefined;
  try {
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") deltas.push(part.text);
      else if (part.type === "error") errors.push(part.error);
      else if (part.type === "finish") finishUsage = part.totalUsage;
    }
  } catch (error) {
    thrown = error;
  }
  return { deltas, text: deltas.join(""), errors, thrown, finishUsage };
}

async function callError(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe.each(CASES)("$name", (c) => {
  it("generateText: the scripted reply and usage", async () => {
    const before = fake.requests.length;
    const result = await generateText({
      model: c.model(KEY),
      prompt: `Say hello. [[reply:Hello from the fake!]] ${c.usageDirective}`,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      maxRetries: 0,
    });
    expect(result.text).toBe("Hello from the fake!");
    expect(result.finishReason).toBe("stop");
    expect(withoutRaw(result.usage)).toEqual(c.usage);
    expect(result.usage.raw).toMatchObject(c.rawUsage);

    const recorded = fake.requests.slice(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ provider: c.provider, method: "POST", apiKey: c.provider === "compat" ? undefined : KEY });
    expect(recorded[0]!.path).toMatch(c.path);
    expect(recorded[0]!.model).toBeTruthy();
  });

  it("streamText: the reply arrives in pieces, then the usage", async () => {
    const { deltas, text, errors, thrown, finishUsage } = await drain(c.model(KEY), `[[reply:One two three four]] ${c.usageDirective}`);
    expect(errors).toEqual([]);
    expect(thrown).toBeUndefined();
    expect(text).toBe("One two three four");
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(finishUsage).toBeDefined();
    expect(withoutRaw(finishUsage!)).toEqual(c.usage);
  });

  it("estimates the usage from the text when none is scripted", async () => {
    const result = await generateText({ model: c.model(KEY), prompt: "[[reply:Fine, thanks.]]", maxOutputTokens: MAX_OUTPUT_TOKENS, maxRetries: 0 });
    expect(result.text).toBe("Fine, thanks.");
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(4); // "Fine, thanks." is 13 characters
    expect(result.usage.inputTokenDetails.cacheReadTokens ?? 0).toBe(0);
  });

  it("a refused key surfaces as an APICallError with the provider's status", async () => {
    if (c.rejectedStatus === undefined) {
      // Keys are never checked here: any key passes, as none does.
      const result = await generateText({ model: c.model(BAD_KEY), prompt: "[[reply:ok]]", maxRetries: 0 });
      expect(result.text).toBe("ok");
      expect(fake.requests.at(-1)?.authorization).toBeUndefined();
      return;
    }
    const error = await callError(() => generateText({ model: c.model(BAD_KEY), prompt: "hi", maxOutputTokens: MAX_OUTPUT_TOKENS, maxRetries: 0 }));
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(c.rejectedStatus);
    expect(apiError.isRetryable).toBe(false);
    // The body matched the SDK's error schema (otherwise `data` stays undefined and the message is the status text).
    expect(apiError.data).toBeDefined();
    expect(apiError.message).not.toContain(BAD_KEY);
    expect(fake.requests.at(-1)?.apiKey).toBe(BAD_KEY);
  });

  it("a scripted 429 surfaces as a retryable APICallError with status 429, streaming or not", async () => {
    const error = await callError(() =>
      generateText({ model: c.model(KEY), prompt: "[[status:429]]", maxOutputTokens: MAX_OUTPUT_TOKENS, maxRetries: 0 }),
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(429);
    expect((error as APICallError).isRetryable).toBe(true);
    expect((error as APICallError).data).toBeDefined();

    const streamed = await drain(c.model(KEY), "[[status:429]]");
    expect(streamed.thrown).toBeUndefined();
    expect(streamed.text).toBe("");
    expect(streamed.errors).toHaveLength(1);
    expect(APICallError.isInstance(streamed.errors[0])).toBe(true);
    expect((streamed.errors[0] as APICallError).statusCode).toBe(429);
  });

  it("a scripted 5xx surfaces with its status", async () => {
    const status = c.provider === "anthropic" ? 529 : 503;
    const error = await callError(() =>
      generateText({ model: c.model(KEY), prompt: `[[status:${status}]]`, maxOutputTokens: MAX_OUTPUT_TOKENS, maxRetries: 0 }),
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(status);
    expect((error as APICallError).isRetryable).toBe(true);
  });

  it("a stream cut after 2 chunks ends with an error and the partial text", async () => {
    const { text, errors, thrown, finishUsage } = await drain(c.model(KEY), "[[reply:one two three four five]] [[cut-after:2]]");
    expect(text).toBe("one two ");
    // The dropped connection: the SDK's stream throws "Failed to process successful response" (cause: terminated).
    expect(errors).toEqual([]);
    expect(APICallError.isInstance(thrown)).toBe(true);
    expect((thrown as APICallError).message).toBe("Failed to process successful response");
    expect(finishUsage).toBeUndefined();
  });
});

describe("provider specifics through the SDK", () => {
  it("Gemini reports thoughts as reasoning and leaves zero counts out of usageMetadata", async () => {
    const google = createGoogleGenerativeAI({ baseURL: fake.baseUrls.google, apiKey: KEY });
    const result = await generateText({ model: google("gemini-2.5-pro"), prompt: "[[reply:Hi]] [[usage:prompt=10,completion=7]]", maxRetries: 0 });
    expect(result.usage.raw).toEqual({
      promptTokenCount: 10,
      candidatesTokenCount: 7,
      totalTokenCount: 17,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 10 }],
    });
    expect(result.usage.outputTokenDetails).toEqual({ textTokens: 7, reasoningTokens: 0 });
  });

  it("the Google key is also read from ?key= (the SDK sends x-goog-api-key; a custom fetch moves it to the query)", async () => {
    const viaQuery = createGoogleGenerativeAI({
      baseURL: fake.baseUrls.google,
      apiKey: KEY,
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const headers = new Headers(init?.headers);
        url.searchParams.set("key", headers.get("x-goog-api-key") ?? "");
        headers.delete("x-goog-api-key");
        return fetch(url, { ...init, headers });
      },
    });
    const result = await generateText({ model: viaQuery("gemini-2.5-flash"), prompt: "[[reply:via query]]", maxRetries: 0 });
    expect(result.text).toBe("via query");
    expect(fake.requests.at(-1)).toMatchObject({ provider: "google", apiKey: KEY, path: "/models/gemini-2.5-flash:generateContent" });
  });

  it("OpenRouter computes a cost at the fake rate when none is scripted", async () => {
    const openrouter = createOpenAICompatible({ name: "openrouter", baseURL: fake.baseUrls.openrouter, apiKey: KEY, includeUsage: true });
    const { finishUsage } = await drain(openrouter("anthropic/claude-sonnet-4.5"), "[[reply:a b]] [[usage:prompt=1000000,completion=1000]]");
    // $0.15 per million prompt tokens + $0.60 per million completion tokens: 0.15 + 0.0006.
    expect((finishUsage?.raw as { cost?: number }).cost).toBeCloseTo(0.1506, 10);
  });

  it("Anthropic reasoning tokens come through when scripted", async () => {
    const anthropic = createAnthropic({ baseURL: fake.baseUrls.anthropic, apiKey: KEY });
    const { finishUsage } = await drain(anthropic("claude-sonnet-4-5"), "[[reply:a b]] [[usage:prompt=100,completion=80,reasoning=30]]");
    expect(finishUsage?.outputTokens).toBe(80);
    expect(finishUsage?.outputTokenDetails).toEqual({ textTokens: 50, reasoningTokens: 30 });
  });

  it("a cut after the whole reply still loses the usage", async () => {
    const { text, thrown, finishUsage } = await drain(openai(KEY).chat("gpt-4o-mini"), "[[reply:all of it]] [[cut-after:3]]");
    expect(text).toBe("all of it");
    expect(thrown).toBeDefined();
    expect(finishUsage).toBeUndefined();
  });
});
