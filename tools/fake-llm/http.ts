import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { chunkText, type Script } from "./script";

export interface FakeRequest {
  method: string;
  /** Path below the provider prefix and version segment, e.g. "/chat/completions". */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  json: unknown;
}

/** One fake provider: how it finds the key, how it refuses, and how it answers. */
export interface FakeProvider {
  /** The version segment the real API puts after its host ("v1", "v1beta"). Base URL: `${url}/${name}/${version}`. */
  version: string;
  /** The API key the request carries, whatever header (or query parameter) this provider reads it from. */
  key(req: { headers: IncomingHttpHeaders; query: URLSearchParams }): string | undefined;
  /** Whether the key may pass. Default: `isAcceptedKey`. */
  accepts?(key: string | undefined): boolean;
  /** Routes the real provider serves without a key (OpenRouter's model list). */
  isPublic?(method: string, path: string): boolean;
  /** Answers a missing or refused key the way the provider does. */
  unauthorized(res: ServerResponse, key: string | undefined): void;
  /** Answers any error status in the provider's error shape. */
  error(res: ServerResponse, status: number, message: string): void;
  handle(req: FakeRequest, res: ServerResponse): Promise<void>;
}

/** Keys starting with `sk-test-` are accepted, except those starting with `sk-test-invalid`. */
export function isAcceptedKey(key: string | undefined): boolean {
  return Boolean(key?.startsWith("sk-test-") && !key.startsWith("sk-test-invalid"));
}

/**
 * The names of the function tools a request body declares, whatever the provider's shape (OpenAI chat
 * `tools[].function.name`; Responses and Anthropic `tools[].name`; Gemini `tools[].functionDeclarations[].name`).
 * Undefined when it declares none.
 */
export function declaredToolNames(json: unknown): string[] | undefined {
  const tools = json && typeof json === "object" ? (json as { tools?: unknown }).tools : undefined;
  if (!Array.isArray(tools)) return undefined;
  const names: string[] = [];
  for (const tool of tools as { name?: unknown; function?: { name?: unknown }; functionDeclarations?: unknown }[]) {
    if (!tool || typeof tool !== "object") continue;
    if (typeof tool.function?.name === "string") names.push(tool.function.name);
    else if (typeof tool.name === "string") names.push(tool.name);
    else if (Array.isArray(tool.functionDeclarations)) {
      for (const declaration of tool.functionDeclarations as { name?: unknown }[]) {
        if (typeof declaration?.name === "string") names.push(declaration.name);
      }
    }
  }
  return names.length > 0 ? names : undefined;
}

export function bearer(header: string | string[] | undefined): string | undefined {
  return typeof header === "string" ? header.match(/^Bearer\s+(.+)$/i)?.[1] : undefined;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** "sk-test-…9999": enough to recognise a key in a message, never the key itself. */
export function redactKey(key: string): string {
  return `${key.slice(0, 8)}...${key.slice(-4)}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Sse = ReturnType<typeof startSse>;

/** How long a `cut-after` stream stays open after its last chunk before the connection is dropped. */
export const CUT_GRACE_MS = 100;

/**
 * A server-sent-events response. `lineEnding` is what separates lines ("\n" for OpenAI and Anthropic; Gemini's
 * `alt=sse` stream uses "\r\n").
 */
export function startSse(res: ServerResponse, { lineEnding = "\n" }: { lineEnding?: string } = {}) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
  const eol = lineEnding;
  return {
    /** One event: `event: <name>` (when given) and `data: <json>`. */
    data(payload: unknown, event?: string) {
      if (res.destroyed || res.writableEnded) return;
      res.write(`${event ? `event: ${event}${eol}` : ""}data: ${JSON.stringify(payload)}${eol}${eol}`);
    },
    /** An SSE comment line (keep-alives), which clients must ignore. */
    comment(text: string) {
      if (res.destroyed || res.writableEnded) return;
      res.write(`: ${text}${eol}${eol}`);
    },
    raw(text: string) {
      if (res.destroyed || res.writableEnded) return;
      res.write(text);
    },
    end() {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
    /**
     * Drops the connection mid-stream, as a failing upstream does — after a short grace period, so the client has
     * read what was already sent (a fetch body stream that errors throws away the chunks it has not handed out yet).
     */
    async cut() {
      await sleep(CUT_GRACE_MS);
      res.socket?.destroy();
    },
    closed: () => res.destroyed || res.writableEnded,
  };
}

/**
 * Streams the reply one word at a time through `emit`, waiting the script's delay before each piece. Honours
 * `cut-after`: after that many pieces the connection is dropped (a reply with no more pieces than that goes out
 * whole, and the connection drops before the provider's closing events, so the usage never arrives). Returns false when the stream must not go on
 * (cut, or the client went away), true when every piece was sent and the provider should send its closing events.
 */
export async function streamReply(sse: Sse, script: Script, emit: (piece: string, index: number) => void): Promise<boolean> {
  return streamPieces(sse, script, chunkText(script.reply), emit);
}

/**
 * `streamReply` for any list of pieces (a tool-call answer streams its calls' arguments this way): the script's delay
 * before each piece, and `cut-after` counting these pieces.
 */
export async function streamPieces<T>(sse: Sse, script: Script, pieces: T[], emit: (piece: T, index: number) => void): Promise<boolean> {
  for (const [index, piece] of pieces.entries()) {
    if (script.cutAfter !== undefined && index >= script.cutAfter) {
      await sse.cut();
      return false;
    }
    if (script.delayMs) await sleep(script.delayMs);
    if (sse.closed()) return false;
    emit(piece, index);
  }
  if (script.cutAfter !== undefined) {
    // The reply had no more than `cut-after` pieces: all the text went out, the closing events (usage) never do.
    await sse.cut();
    return false;
  }
  return !sse.closed();
}
