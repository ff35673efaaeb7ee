import type { ServerResponse } from "node:http";

export interface FakeRequest {
  method: string;
  /** Path below the provider prefix, e.g. "/chat/completions". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A server-sent-events response. */
export function startSse(res: ServerResponse) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
  return {
    data(payload: unknown, event?: string) {
      res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(payload)}\n\n`);
    },
    raw(text: string) {
      res.write(text);
    },
    end() {
      res.end();
    },
    /** Drops the connection mid-stream, as a failing upstream does. */
    cut() {
      res.socket?.destroy();
    },
    closed: () => res.destroyed || res.writableEnded,
  };
}
