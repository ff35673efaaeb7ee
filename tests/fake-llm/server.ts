import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendJson, type FakeRequest } from "./http";
import { handleOpenAI, openAIError } from "./openai";

/**
 * A local stand-in for the LLM providers, speaking their real wire formats on 127.0.0.1.
 * Base URLs: `${url}/openai/v1` (OpenAI chat completions). Later: Responses, Anthropic Messages, Gemini.
 *
 * Keys: anything starting with `sk-test-` is accepted, except keys starting with `sk-test-invalid` (401).
 */
export interface RecordedRequest {
  provider: string;
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

export interface FakeLlm {
  url: string;
  /** Every request received, oldest first (tests assert "no upstream call was made" with this). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Handler = (req: FakeRequest, res: ServerResponse) => Promise<void>;

const PROVIDERS: Record<string, { handler: Handler; key: (req: IncomingMessage) => string | undefined; reject: (res: ServerResponse, message: string) => void }> = {
  openai: {
    handler: handleOpenAI,
    key: (req) => bearer(req.headers.authorization),
    reject: (res, message) => openAIError(res, 401, message),
  },
};

function bearer(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(.+)$/i)?.[1];
}

export function isAcceptedKey(key: string | undefined): boolean {
  return Boolean(key?.startsWith("sk-test-") && !key.startsWith("sk-test-invalid"));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeLlm({ port = 0 }: { port?: number } = {}): Promise<FakeLlm> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/health") {
        sendJson(res, 200, { ok: true });
        return;
      }
      const [, providerName, ...rest] = url.pathname.split("/");
      const provider = providerName ? PROVIDERS[providerName] : undefined;
      if (!provider) {
        sendJson(res, 404, { error: { message: `No fake provider at ${url.pathname}` } });
        return;
      }
      // Strip the provider's version segment ("v1") to get the API path.
      const path = "/" + rest.slice(1).join("/");
      const text = await readBody(req);
      let json: unknown = undefined;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      requests.push({
        provider: providerName!,
        method: req.method ?? "GET",
        path,
        authorization: req.headers.authorization,
        body: json,
      });
      const key = provider.key(req);
      if (!isAcceptedKey(key)) {
        provider.reject(res, key ? `Incorrect API key provided: ${key.slice(0, 8)}...${key.slice(-4)}.` : "Missing API key.");
        return;
      }
      if (text && json === null) {
        sendJson(res, 400, { error: { message: "The body is not valid JSON.", type: "invalid_request_error" } });
        return;
      }
      await provider.handler({ method: req.method ?? "GET", path, query: url.searchParams, headers: req.headers, json }, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake upstream crashed: ${(error as Error).message}` } });
      else res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
