import type { ServerResponse } from "node:http";
import { CUT_GRACE_MS, declaredToolNames, headerValue, sendJson, sleep, startSse, streamPieces, type FakeProvider, type FakeRequest } from "./http";
import { capOutput, chunkText, countResultRounds, dueToolCalls, fakeId, parseScript, resolveUsage, toolCallsText, withRawUsage, type Script, type ToolCallDirective, type TokenUsage } from "./script";

/**
 * Google's Gemini API at `${url}/google/v1beta`:
 *   POST /models/{model}:generateContent                 one GenerateContentResponse
 *   POST /models/{model}:streamGenerateContent?alt=sse   SSE `data: {candidates, usageMetadata, modelVersion, responseId}`
 *                                                        lines ("\r\n"-separated, as Google sends them); without
 *                                                        `alt=sse`, a JSON array of the same chunks
 *   POST /models/{model}:countTokens                     { totalTokens }
 *   GET  /models, GET /models/{model}                    { models: [{ name: "models/…", … }] }
 * `[[tool:…]]` directives are answered with `functionCall` parts ({ name, args }, no id, as Gemini 2.5 sends them)
 * and `finishReason: "STOP"`, one call per streamed chunk; tool results come back as `functionResponse` parts
 * ({ name, response: { name, content } }) in a user content.
 * The key comes in `x-goog-api-key` or `?key=`. Errors: { error: { code, message, status, details? } }.
 * As Google does: a bad key is 400 INVALID_ARGUMENT with reason API_KEY_INVALID (not 401), a missing key is 403
 * PERMISSION_DENIED, and zero token counts are left out of `usageMetadata` (no `cachedContentTokenCount` without a
 * cache hit, no `thoughtsTokenCount` without thinking).
 */

export const GOOGLE_MODELS = [
  { id: "gemini-2.5-flash", displayName: "Gemini 2.5 Flash", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, generate: true },
  { id: "gemini-2.5-pro", displayName: "Gemini 2.5 Pro", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, generate: true },
  { id: "gemini-2.5-flash-lite", displayName: "Gemini 2.5 Flash-Lite", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, generate: true },
  { id: "gemini-embedding-001", displayName: "Gemini Embedding 001", inputTokenLimit: 2048, outputTokenLimit: 1, generate: false },
];

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const DEFAULT_MESSAGES: Record<number, string> = {
  429: "You exceeded your current quota, please check your plan and billing details. (fake)",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
};

export function googleError(res: ServerResponse, status: number, message: string, details?: unknown[]): void {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
  sendJson(res, status, { error: { code: status, message, status: name, ...(details ? { details } : {}) } });
}

/** Gemini's usageMetadata: `candidatesTokenCount` leaves the thoughts out; zero counts are omitted, as Google does. */
export function googleUsage(u: TokenUsage) {
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output - u.reasoning,
    totalTokenCount: u.input + u.output,
    ...(u.cacheRead ? { cachedContentTokenCount: u.cacheRead } : {}),
    promptTokensDetails: u.audioIn
      ? [
          { modality: "TEXT", tokenCount: u.input - u.audioIn },
          { modality: "AUDIO", tokenCount: u.audioIn },
        ]
      : [{ modality: "TEXT", tokenCount: u.input }],
    ...(u.audioOut
      ? {
          candidatesTokensDetails: [
            { modality: "TEXT", tokenCount: u.output - u.reasoning - u.audioOut },
            { modality: "AUDIO", tokenCount: u.audioOut },
          ],
        }
      : {}),
    ...(u.cacheRead ? { cacheTokensDetails: [{ modality: "TEXT", tokenCount: u.cacheRead }] } : {}),
    ...(u.reasoning ? { thoughtsTokenCount: u.reasoning } : {}),
  };
}

/** `[[thinks:N]]`: the thoughts Gemini spends, within the request's thinking budget (0 turns thinking off). */
function withThinking(script: Script, thinkingBudget: unknown): Script {
  if (script.thinks === undefined) return script;
  const budget = typeof thinkingBudget === "number" && thinkingBudget >= 0 ? thinkingBudget : Number.POSITIVE_INFINITY;
  const reasoning = Math.min(script.thinks, budget);
  return reasoning > 0 ? { ...script, usage: { ...script.usage, reasoning } } : script;
}

interface Content {
  role?: unknown;
  parts?: unknown;
}

type Part = { text?: unknown; thought?: unknown; functionResponse?: { response?: unknown } };

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  return parts.map((part: Part) => (typeof part?.text === "string" && part.thought !== true ? part.text : "")).join("");
}

/** The content of each `functionResponse` part: `response.content` (the AI SDK's shape), else the whole response. */
function functionResponses(parts: unknown): string[] {
  if (!Array.isArray(parts)) return [];
  return parts
    .filter((part: Part) => part?.functionResponse && typeof part.functionResponse === "object")
    .map((part: Part) => {
      const response = part.functionResponse!.response as { content?: unknown } | undefined;
      const content = response && typeof response === "object" && "content" in response ? response.content : response;
      return typeof content === "string" ? content : JSON.stringify(content ?? null);
    });
}

/** A user content that only carries function responses is not a prompt. */
function isPrompt(c: Content): boolean {
  if (c.role !== "user" && c.role !== undefined) return false;
  return !(Array.isArray(c.parts) && c.parts.length > 0 && functionResponses(c.parts).length === c.parts.length);
}

function contentsOf(json: unknown): Content[] | undefined {
  const contents = (json as { contents?: unknown } | undefined)?.contents;
  if (!Array.isArray(contents) || contents.length === 0) return undefined;
  return contents.filter((c): c is Content => Boolean(c) && typeof c === "object");
}

async function generate(req: FakeRequest, res: ServerResponse, model: string, stream: boolean): Promise<void> {
  const contents = contentsOf(req.json);
  if (!contents) return googleError(res, 400, "* GenerateContentRequest.contents: contents is not specified\n");
  const promptIndex = contents.findLastIndex(isPrompt);
  const sincePrompt = contents.slice(Math.max(promptIndex, 0));
  const toolResults = sincePrompt.flatMap((c) => functionResponses(c.parts));
  const generationConfig = (req.json as { generationConfig?: { maxOutputTokens?: unknown; thinkingConfig?: { thinkingBudget?: unknown } } }).generationConfig ?? {};
  const script = capOutput(withThinking(parseScript(partsText(contents[promptIndex]?.parts), toolResults), generationConfig.thinkingConfig?.thinkingBudget), generationConfig.maxOutputTokens);
  if (script.status && script.status >= 400) {
    return googleError(res, script.status, DEFAULT_MESSAGES[script.status] ?? `Fake upstream error ${script.status}.`);
  }
  const calls = dueToolCalls(script, countResultRounds(sincePrompt.map((c) => functionResponses(c.parts).length > 0)), declaredToolNames(req.json));
  const system = (req.json as { systemInstruction?: { parts?: unknown } }).systemInstruction;
  const promptText = [partsText(system?.parts), ...contents.map((c) => [partsText(c.parts), ...functionResponses(c.parts)].join("\n"))].join("\n");
  const resolved = resolveUsage(script, promptText, calls.length > 0 ? toolCallsText(calls) : script.reply);
  const usage = withRawUsage(googleUsage(resolved), script);
  // Grounding with Google Search: the queries the model ran, on the final candidate.
  const grounding = resolved.webSearch
    ? { groundingMetadata: { webSearchQueries: Array.from({ length: resolved.webSearch }, (_, i) => `fake query ${i + 1}`), groundingChunks: [], groundingSupports: [] } }
    : {};
  const responseId = fakeId();
  const chunkOf = (parts: object[], final: boolean) => ({
    candidates: [{ content: { parts, role: "model" }, ...(final ? { finishReason: "STOP", ...grounding } : {}), index: 0 }],
    usageMetadata: final
      ? usage
      : { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount, promptTokensDetails: usage.promptTokensDetails },
    modelVersion: model,
    responseId,
  });
  const chunk = (text: string, final: boolean) => chunkOf([{ text }], final);
  const callPart = (call: ToolCallDirective) => ({ functionCall: { name: call.name, args: call.input ?? call.arguments } });

  if (!stream) {
    sendJson(res, 200, calls.length > 0 ? chunkOf(calls.map(callPart), true) : chunk(script.reply, true));
    return;
  }

  // Streamed: the text one word per chunk, or each function call whole in its own chunk (Gemini does not stream
  // arguments); then a closing chunk with the finish reason and the full usage.
  const pieces = calls.length > 0 ? calls.map((call) => chunkOf([callPart(call)], false)) : chunkText(script.reply).map((piece) => chunk(piece, false));

  if (req.query.get("alt") === "sse") {
    const sse = startSse(res, { lineEnding: "\r\n" });
    if (!(await streamPieces(sse, script, pieces, (piece) => sse.data(piece)))) return;
    sse.data(chunk("", true));
    sse.end();
    return;
  }

  // Without alt=sse, Gemini streams one JSON array whose elements arrive as they are generated.
  const cut = () => sleep(CUT_GRACE_MS).then(() => void res.socket?.destroy());
  res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  res.flushHeaders();
  res.write("[");
  for (const [index, piece] of pieces.entries()) {
    if (script.cutAfter !== undefined && index >= script.cutAfter) return cut();
    if (script.delayMs) await sleep(script.delayMs);
    if (res.destroyed) return;
    res.write(`${index > 0 ? ",\r\n" : ""}${JSON.stringify(piece)}`);
  }
  if (script.cutAfter !== undefined) return cut();
  res.end(`${pieces.length > 0 ? ",\r\n" : ""}${JSON.stringify(chunk("", true))}]`);
}

function modelResource(m: (typeof GOOGLE_MODELS)[number]) {
  return {
    name: `models/${m.id}`,
    version: "001",
    displayName: m.displayName,
    description: `${m.displayName} (fake)`,
    inputTokenLimit: m.inputTokenLimit,
    outputTokenLimit: m.outputTokenLimit,
    supportedGenerationMethods: m.generate ? ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"] : ["embedContent", "countTextTokens", "countTokens"],
    ...(m.generate ? { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true } : {}),
  };
}

async function handleGoogle(req: FakeRequest, res: ServerResponse): Promise<void> {
  if (req.method === "GET" && req.path === "/models") return sendJson(res, 200, { models: GOOGLE_MODELS.map(modelResource) });
  const match = req.path.match(/^\/models\/([^/:]+)(?::(\w+))?$/);
  if (!match) return googleError(res, 404, `Method not found: ${req.method} ${req.path}`);
  const model = decodeURIComponent(match[1]!);
  const method = match[2];
  if (req.method === "GET" && !method) {
    const found = GOOGLE_MODELS.find((m) => m.id === model);
    if (found) return sendJson(res, 200, modelResource(found));
    return googleError(res, 404, `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
  }
  if (req.method === "POST" && method === "generateContent") return generate(req, res, model, false);
  if (req.method === "POST" && method === "streamGenerateContent") return generate(req, res, model, true);
  if (req.method === "POST" && method === "countTokens") {
    const contents = contentsOf(req.json) ?? [];
    return sendJson(res, 200, { totalTokens: resolveUsage({ reply: "", delayMs: 0 }, contents.map((c) => partsText(c.parts)).join("\n"), "").input });
  }
  googleError(res, 404, `Method not found: ${req.method} ${req.path}`);
}

export const googleProvider: FakeProvider = {
  version: "v1beta",
  key: (req) => headerValue(req.headers, "x-goog-api-key") ?? req.query.get("key") ?? undefined,
  unauthorized: (res, key) =>
    key
      ? googleError(res, 400, "API key not valid. Please pass a valid API key.", [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "API_KEY_INVALID",
            domain: "googleapis.com",
            metadata: { service: "generativelanguage.googleapis.com" },
          },
          { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message: "API key not valid. Please pass a valid API key." },
        ])
      : googleError(
          res,
          403,
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        ),
  error: googleError,
  handle: handleGoogle,
};
