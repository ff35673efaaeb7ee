import "server-only";
import { upstreamFetch } from "@/lib/providers/upstream-fetch";

/**
 * The benchmark's baseline: a bare pass-through in the same server — no token, no metering, no database — that
 * forwards a chat completion to OPENAI_BASE_URL and streams the answer back. Mounted only when the server was started
 * with BENCH_PASSTHROUGH=1 (`npm run bench:gateway` does); any other time it is a 404 like an unknown path.
 */
export async function benchPassthrough(request: Request): Promise<Response> {
  if (process.env.BENCH_PASSTHROUGH !== "1") {
    return Response.json({ error: { code: "not_found", message: "Not found." } }, { status: 404 });
  }
  const upstream = await upstreamFetch(`${process.env.OPENAI_BASE_URL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: request.headers.get("authorization") ?? "" },
    body: await request.text(),
    signal: request.signal,
  });
  return new Response(upstream.body, { status: upstream.status, headers: { "content-type": upstream.headers.get("content-type") ?? "application/json", "cache-control": "no-transform" } });
}
