import { request } from "undici";
import { markTiming } from "@/lib/http/server-timing";

/**
 * The fetch every model call goes through (the gateway's forwarder, the chat's fast path, and the AI SDK's providers
 * via their `fetch` option). It is fetch-compatible but sends the request with undici's `request` (the HTTP client
 * under Node's own fetch, without the WHATWG machinery around it): on this project's machines Node's fetch cost about
 * 0.4–0.6 ms of CPU per call, this about 0.2 ms, and the answer's headers arrive sooner. Next.js's wrapper around the
 * global fetch (caching, deduplication) is never wanted for a model call either.
 *
 * It keeps what callers rely on from fetch: a connection failure throws `TypeError("fetch failed")` (the AI SDK's
 * retry reads it as "unreachable"), an aborted request throws the signal's reason, a body cut mid-stream errors with
 * `TypeError("terminated")`, and a redirect is followed (by handing the request to fetch). Anything this does not take
 * as is (a Request object, a streamed or form body) goes to fetch.
 */
export const upstreamFetch: typeof fetch = (input, init) => {
  markTiming("before-upstream");
  const fast = typeof input === "string" || input instanceof URL ? fastRequestOf(init) : null;
  const answer = fast ? viaUndici(String(input), init ?? {}, fast, responseOf) : plainFetch()(input, init);
  return answer.then((response) => {
    markTiming("upstream-headers");
    return response;
  });
};

function plainFetch(): typeof fetch {
  const current = globalThis.fetch as typeof fetch & { _nextOriginalFetch?: typeof fetch };
  return current._nextOriginalFetch ?? current;
}

type FastRequest = { method: string; headers: Record<string, string>; body: string | Uint8Array | undefined };

/** The request as undici's `request` takes it, or null when only fetch takes it. */
function fastRequestOf(init: RequestInit | undefined): FastRequest | null {
  const body = init?.body ?? undefined;
  if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) return null;
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  // Answers come as they are (fetch would have asked for gzip and unpacked it).
  delete headers["accept-encoding"];
  headers.accept ??= "*/*";
  if (typeof body === "string" && !headers["content-type"]) headers["content-type"] = "text/plain;charset=UTF-8";
  return { method: (init?.method ?? "GET").toUpperCase(), headers, body };
}

const abortReason = (signal: AbortSignal) => signal.reason ?? new DOMException("This operation was aborted", "AbortError");

/**
 * A body read chunk by chunk, as a fetch body reads: null at its end, the signal's reason once aborted (a pending read
 * rejects at once), `TypeError("terminated")` when cut mid-stream. `cancel` closes the connection; reads then end.
 */
export interface BodySource {
  read(): Promise<Uint8Array | null>;
  cancel(reason?: unknown): void;
}

/** An upstream answer as the gateway reads it: no Response and no web stream around the body (each costs CPU per call). */
export interface UpstreamAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  /** Null for a status without a body (204, 304). */
  body: BodySource | null;
  /** The whole body as text (UTF-8, as fetch's `text()`). */
  text(): Promise<string>;
}

/**
 * `upstreamFetch` for callers that read the answer themselves (the gateway's forwarder): the same request, the same
 * errors, the answer's body as a `BodySource`.
 */
export async function upstreamSend(url: string, init: RequestInit): Promise<UpstreamAnswer> {
  markTiming("before-upstream");
  const fast = fastRequestOf(init);
  const sent = fast ? await viaUndici(url, init, fast, sourcedAnswerOf) : await plainFetch()(url, init);
  markTiming("upstream-headers");
  return sent instanceof Response ? answerOf(sent) : sent;
}

/** A fetch Response as an UpstreamAnswer (a redirect's, or a test's). */
export function answerOf(response: Response): UpstreamAnswer {
  const reader = response.body?.getReader();
  const body: BodySource | null = reader
    ? {
        read: () => reader.read().then((next) => (next.done ? null : next.value)),
        cancel: (reason) => void reader.cancel(reason).catch(() => undefined),
      }
    : null;
  return { status: response.status, ok: response.ok, headers: response.headers, body, text: () => textOf(body) };
}

const decoder = new TextDecoder();

async function textOf(body: BodySource | null): Promise<string> {
  if (!body) return "";
  const chunks: Uint8Array[] = [];
  for (let chunk = await body.read(); chunk; chunk = await body.read()) chunks.push(chunk);
  return decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}

type UndiciBody = Awaited<ReturnType<typeof request>>["body"];

function nodeBodySource(body: UndiciBody, signal: AbortSignal | undefined): BodySource {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let done = false;
  let failure: unknown;
  // The read under way: an abort rejects it at once, before the socket has closed.
  let pending: { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void } | null = null;
  const settle = (how: (waiting: NonNullable<typeof pending>) => void) => {
    const waiting = pending;
    pending = null;
    if (waiting) how(waiting);
  };
  const stop = () => {
    done = true;
    signal?.removeEventListener("abort", onAbort);
  };
  const onAbort = () => {
    if (done) return;
    stop();
    failure = abortReason(signal!);
    body.destroy();
    settle((waiting) => waiting.reject(failure));
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const next = () =>
    chunks.next().then(
      (result) => {
        if (done) return settle((waiting) => waiting.resolve(null));
        if (result.done) {
          stop();
          return settle((waiting) => waiting.resolve(null));
        }
        const chunk = result.value;
        settle((waiting) => waiting.resolve(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      },
      (error: unknown) => {
        if (done) return settle((waiting) => waiting.resolve(null)); // cancelled (or aborted: already rejected)
        stop();
        settle((waiting) => waiting.reject(new TypeError("terminated", { cause: error })));
      },
    );
  return {
    read() {
      if (failure !== undefined) return Promise.reject(failure);
      if (done) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        void next();
      });
    },
    cancel(reason) {
      if (done) return;
      stop();
      body.destroy(reason instanceof Error ? reason : undefined);
      settle((waiting) => waiting.resolve(null));
    },
  };
}

/** undici's answer, with fetch's headers. */
type Sent = { statusCode: number; headers: Headers; body: UndiciBody; empty: boolean };

/** Sends the request with undici; the answer as `make` makes it (after a redirect, from fetch's Response). */
async function viaUndici<T>(url: string, init: RequestInit, fast: FastRequest, make: (sent: Sent, signal: AbortSignal | undefined) => T): Promise<T | Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortReason(signal);
  let answer: Awaited<ReturnType<typeof request>>;
  try {
    answer = await request(url, { method: fast.method as "POST", headers: fast.headers, body: fast.body, signal });
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw new TypeError("fetch failed", { cause: error });
  }
  const { statusCode, body } = answer;
  // Errors reach the reader through the iterator below; one after it stopped (an abort) must not go unhandled.
  body.on("error", () => undefined);
  if (statusCode >= 300 && statusCode < 400 && answer.headers.location && init.redirect !== "manual") {
    // Rare for a model API: fetch follows it as it would have from the start.
    body.destroy();
    return plainFetch()(url, init);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  // A status without a body (204, 304) takes no stream.
  const empty = statusCode === 204 || statusCode === 304 || fast.method === "HEAD";
  if (empty) body.destroy();
  return make({ statusCode, headers, body, empty }, signal);
}

function sourcedAnswerOf({ statusCode: status, headers, body, empty }: Sent, signal: AbortSignal | undefined): UpstreamAnswer {
  const source = empty ? null : nodeBodySource(body, signal);
  return { status, ok: status >= 200 && status < 300, headers, body: source, text: () => textOf(source) };
}

/** undici's answer as a fetch Response. */
function responseOf({ statusCode, headers, body, empty }: Sent, signal: AbortSignal | undefined): Response {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let done = false;
  const stream = empty
    ? null
    : new ReadableStream<Uint8Array>(
        {
          start(controller) {
            // As fetch does: an abort errors the body at once (a pending read rejects now, not when the socket closes).
            if (signal?.aborted) {
              done = true;
              controller.error(abortReason(signal));
              body.destroy();
              return;
            }
            signal?.addEventListener(
              "abort",
              () => {
                if (done) return;
                done = true;
                controller.error(abortReason(signal));
                body.destroy();
              },
              { once: true },
            );
          },
          async pull(controller) {
            let next: IteratorResult<Buffer>;
            try {
              next = await chunks.next();
            } catch (error) {
              if (done) return;
              done = true;
              controller.error(signal?.aborted ? abortReason(signal) : new TypeError("terminated", { cause: error }));
              return;
            }
            if (done) return;
            if (next.done) {
              done = true;
              controller.close();
            } else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
          },
          cancel(reason) {
            done = true;
            body.destroy(reason instanceof Error ? reason : undefined);
          },
        },
        { highWaterMark: 0 },
      );
  return new Response(stream, { status: statusCode, headers });
}
