import { createServer, type Server } from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

/**
 * TEST TOOLING ONLY — never part of the app. A WebSocket-to-TCP pipe on 127.0.0.1 playing the role of Neon's proxy,
 * so `@neondatabase/serverless` can talk to a local PostgreSQL: the driver (with NEON_WS_PROXY=127.0.0.1:PORT and
 * NEON_INSECURE_WS=true, see db/client.ts) opens ws://127.0.0.1:PORT/v1?address=HOST:PORT and the pipe forwards the
 * bytes to that address — only to the allowed targets (127.0.0.1:5432 by default). `GET /stats` answers
 * {"connections": n, "open": n} so a test in another process can tell that its queries really went through the pipe.
 */
export interface NeonPipe {
  port: number;
  /** WebSockets accepted and piped since start. */
  connections(): number;
  close(): Promise<void>;
}

export async function startNeonPipe(options: { port?: number; allow?: string[] } = {}): Promise<NeonPipe> {
  const allow = new Set(options.allow ?? ["127.0.0.1:5432"]);
  let connections = 0;
  let open = 0;
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === "/stats" ? 200 : 404, { "content-type": "application/json" });
    res.end(req.url === "/stats" ? JSON.stringify({ connections, open }) : "{}");
  });
  const wss = new WebSocketServer({ server, path: "/v1" });
  wss.on("connection", (socket, req) => {
    const address = new URL(req.url ?? "", "http://pipe").searchParams.get("address") ?? "";
    if (!allow.has(address)) return socket.close(1008, "address not allowed");
    connections++;
    open++;
    const colon = address.lastIndexOf(":");
    const tcp = net.connect(Number(address.slice(colon + 1)), address.slice(0, colon));
    tcp.on("data", (chunk) => socket.send(chunk));
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.terminate());
    socket.on("message", (data) => tcp.write(data as Buffer));
    socket.on("close", () => {
      open--;
      tcp.end();
    });
    socket.on("error", () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The connection count of a pipe running in another process (its `GET /stats`). */
export async function neonPipeStats(port: number): Promise<{ connections: number; open: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/stats`);
  return (await response.json()) as { connections: number; open: number };
}
