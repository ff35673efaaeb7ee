import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicProvider } from "./anthropic";
import { compatProvider } from "./compat";
import { googleProvider } from "./google";
import { declaredToolNames, isAcceptedKey, sendJson, type FakeProvider } from "./http";
import { openaiProvider } from "./openai";
import { openRouterProvider } from "./openrouter";

export { isAcceptedKey } from "./http";

/**
 * A local stand-in for the LLM providers, speaking their real wire formats on 127.0.0.1, so the real AI SDK
 * providers (and the app's proxy) can be pointed at it. Base URLs (first path segment = provider, then the
 * provider's own version segment):
 *   OpenAI        `${url}/openai/v1`        POST /chat/completions, POST /responses, GET /models        (openai.ts, openai-responses.ts)
 *   Anthropic     `${url}/anthropic/v1`     POST /messages, GET /models, GET /models/{id}               (anthropic.ts)
 *   Google Gemini `${url}/google/v1beta`    POST /models/{m}:generateContent, :streamGenerateContent,
 *                                           :countTokens, GET /models, GET /models/{m}                  (google.ts)
 *   OpenRouter    `${url}/openrouter/v1`    POST /chat/completions (usage with cost), GET /models, GET /key (openrouter.ts)
 *   Compatible    `${url}/compat/v1`        POST /chat/completions, GET /models — Ollama-like, any key or none (compat.ts)
 * plus GET /health.
 *
 * Keys, read where each provider reads them (Authorization: Bearer; Anthropic's x-api-key; Google's
 * x-goog-api-key or ?key=): anything starting with `sk-test-` is accepted, except keys starting with
 * `sk-test-invalid`, which are refused as the provider refuses them (401; Google: 400 API_KEY_INVALID). A missing
 * key is refused too (Google: 403), except on `compat` (never checked) and OpenRouter's public model list.
 *
 * What the answer says, how long it takes, whether it fails or breaks off and the token counts it reports are
 * scripted with directives in the last user message: see script.ts (which also tells how `[[tool:…]]` directives
 * make tool calls, in each provider's format, until the tool results come back). Anything unexpected (unknown
 * route, wrong version segment, bad JSON, missing fields) gets a 4xx in the provider's own error shape; the server
 * never crashes.
 */
export interface RecordedRequest {
  provider: string;
  method: string;
  /** The path below the provider prefix and version segment, e.g. "/chat/completions" (no query string). */
  path: string;
  /** The raw Authorization header, if any. */
  authorization?: string;
  /** The API key the request carried, whichever header (or `?key=`) this provider reads it from. */
  apiKey?: string;
  /** The model asked for: the body's `model`, or Gemini's `models/{model}:…` path segment. */
  model?: string;
  /**
   * The names of the tools the request declares, in order, whatever the provider's shape (OpenAI chat
   * `tools[].function.name`; Responses and Anthropic `tools[].name`; Gemini `tools[].functionDeclarations[].name`).
   * Absent when the request declares none.
   */
  tools?: string[];
  body: unknown;
}

export type FakeProviderName = "openai" | "anthropic" | "google" | "openrouter" | "compat";

export interface FakeLlm {
  url: string;
  /** The base URL to give each provider's SDK, e.g. `${url}/openai/v1`. */
  baseUrls: Record<FakeProviderName, string>;
  /** Every request received, oldest first (tests assert "no upstream call was made" with this). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const PROVIDERS: Record<FakeProviderName, FakeProvider> = {
  openai: openaiProvider,
  anthropic: anthropicProvider,
  google: googleProvider,
  openrouter: openRouterProvider,
  compat: compatProvider,
};

function providerNamed(name: string | undefined): FakeProviderName | undefined {
  return name !== undefined && Object.hasOwn(PROVIDERS, name) ? (name as FakeProviderName) : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function modelOf(path: string, json: unknown): string | undefined {
  const fromBody = json && typeof json === "object" ? (json as { model?: unknown }).model : undefined;
  if (typeof fromBody === "string") return fromBody;
  return path.match(/^\/models\/([^/:]+):\w+$/)?.[1];
}

/** Each provider's base URL on a fake upstream listening at `url` (e.g. `http://127.0.0.1:4010`). */
export function fakeBaseUrls(url: string): Record<FakeProviderName, string> {
  return Object.fromEntries(Object.entries(PROVIDERS).map(([name, provider]) => [name, `${url}/${name}/${provider.version}`])) as Record<FakeProviderName, string>;
}

export async function startFakeLlm({ port = 0 }: { port?: number } = {}): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/health") {
        sendJson(res, 200, { ok: true, providers: Object.keys(PROVIDERS) });
        return;
      }
      const [, prefix, version, ...rest] = url.pathname.split("/");
      const providerName = providerNamed(prefix);
      if (!providerName) {
        sendJson(res, 404, { error: { message: `No fake provider at ${url.pathname}. Known: ${Object.keys(PROVIDERS).join(", ")}.` } });
        return;
      }
      const provider = PROVIDERS[providerName];
      const method = req.method ?? "GET";
      const path = version === provider.version ? "/" + rest.join("/") : "/" + [version, ...rest].join("/");
      const text = await readBody(req);
      let json: unknown = undefined;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      const key = provider.key({ headers: req.headers, query: url.searchParams });
      const tools = declaredToolNames(json);
      requests.push({
        provider: providerName,
        method,
        path,
        authorization: req.headers.authorization,
        apiKey: key,
        model: modelOf(path, json),
        ...(tools ? { tools } : {}),
        body: json,
      });
      if (version !== provider.version) {
        provider.error(res, 404, `Not found: ${url.pathname}. The ${providerName} base URL is /${providerName}/${provider.version}.`);
        return;
      }
      const accepts = provider.accepts ?? isAcceptedKey;
      if (!provider.isPublic?.(method, path) && !accepts(key)) {
        provider.unauthorized(res, key);
        return;
      }
      if (text && json === null) {
        provider.error(res, 400, "The request body is not valid JSON.");
        return;
      }
      await provider.handle({ method, path, query: url.searchParams, headers: req.headers, json }, res);
    } catch (error) {
      try {
        if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: { message: `fake upstream crashed: ${(error as Error).message}` } });
        else res.destroy();
      } catch {
        res.destroy();
      }
    }
  });
  // Keeps idle connections as long as real providers' load balancers do: with Node's 5 s default, a client reusing a
  // connection just as the server closes it gets ECONNRESET (seen on busy machines, whose timers fire late).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${actualPort}`;
  return {
    url,
    baseUrls: fakeBaseUrls(url),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
