import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamFetch } from "./upstream-fetch";

/** A real HTTP server on 127.0.0.1 whose answers each test picks by path. */
let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  "/echo": (req, res, body) => {
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.writeHead(201, { "content-type": "application/json", "x-request-id": "req-1" });
    res.end(JSON.stringify({ method: req.method, body }));
  },
  "/empty": (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  "/moved": (_req, res) => {
    res.writeHead(307, { location: "/echo" });
    res.end();
  },
  "/sse": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: one\n\n");
    setTimeout(() => res.write("data: two\n\n"), 20);
    setTimeout(() => res.end("data: [DONE]\n\n"), 40);
  },
  "/cut": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: one\n\n");
    setTimeout(() => res.socket?.destroy(), 20);
  },
  "/slow": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: one\n\n");
    setTimeout(() => res.end("data: late\n\n"), 5_000).unref();
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      routes[req.url!]?.(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const text = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe("upstreamFetch (fetch-compatible, over undici's request)", () => {
  it("sends method, headers and body, and gives status, headers (repeated ones kept) and body as fetch would", async () => {
    const response = await upstreamFetch(`${base}/echo`, {
      method: "POST",
      headers: new Headers({ authorization: "Bearer sk-test-upstream-0000", "content-type": "application/json", "accept-encoding": "gzip" }),
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.json()).toEqual({ method: "POST", body: '{"hello":"world"}' });
    const request = seen.at(-1)!;
    expect(request.headers.authorization).toBe("Bearer sk-test-upstream-0000");
    expect(request.headers["content-type"]).toBe("application/json");
    // Answers come uncompressed: the client never asks for gzip it would have to unpack.
    expect(request.headers["accept-encoding"]).toBeUndefined();
  });

  it("takes a URL object, a plain headers object and a byte body; a 204 has no body", async () => {
    const response = await upstreamFetch(new URL(`${base}/empty`), { method: "POST", headers: { "x-a": "1" }, body: new TextEncoder().encode("bytes") });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(seen.at(-1)).toMatchObject({ method: "POST", body: "bytes", headers: { "x-a": "1" } });
  });

  it("follows a redirect as fetch does", async () => {
    const response = await upstreamFetch(`${base}/moved`, { method: "POST", body: "again" });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ method: "POST", body: "again" });
  });

  it("streams server-sent events as they come", async () => {
    const response = await upstreamFetch(`${base}/sse`, { method: "POST", body: "{}" });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(await text(response.body!)).toBe("data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  });

  it("an unreachable server throws TypeError('fetch failed') with the cause (the AI SDK retries it as unreachable)", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await upstreamFetch(`http://127.0.0.1:${port}/x`, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fetch failed");
    expect(((error as TypeError).cause as { code?: string }).code).toBe("ECONNREFUSED");
  });

  it("a body cut mid-stream errors with TypeError('terminated'), after what came before it", async () => {
    const response = await upstreamFetch(`${base}/cut`, { method: "POST", body: "{}" });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    const error = await reader.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("terminated");
  });

  it("an abort while the body streams rejects the pending read at once with the signal's reason", async () => {
    const abort = new AbortController();
    const response = await upstreamFetch(`${base}/slow`, { method: "POST", body: "{}", signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const pending = reader.read().catch((e: unknown) => e);
    abort.abort();
    const error = await pending;
    expect((error as DOMException).name).toBe("AbortError");
  });

  it("cancelling the body closes the connection: the server sees its client go (the gateway stops a provider so)", async () => {
    const closed = new Promise<void>((resolve) => {
      routes["/endless"] = (req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        const timer = setInterval(() => res.write("data: more\n\n"), 10);
        res.on("close", () => {
          clearInterval(timer);
          resolve();
        });
      };
    });
    const response = await upstreamFetch(`${base}/endless`, { method: "POST", body: "{}" });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel("budget");
    await closed;
    expect(await reader.closed).toBeUndefined();
  });

  it("an aborted signal before the request throws its reason and sends nothing", async () => {
    const before = seen.length;
    const reason = new Error("stop");
    const error = await upstreamFetch(`${base}/echo`, { method: "POST", body: "{}", signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(seen.length).toBe(before);
  });
});
