import { isUtf8 } from "node:buffer";
import type { z } from "zod";
import { AppError, validationError } from "@/lib/errors";
import { assertStorable } from "./text";

/**
 * The one JSON body reader of the route handlers. Refuses, with the JSON error shape:
 *   413 payload_too_large — a body over `maxBytes` (by Content-Length, or counted while reading: it stops there);
 *   400 bad_request       — a body that is not JSON (Content-Type other than application/json or *+json, invalid
 *                           UTF-8, malformed JSON), or no body where one is required;
 *   400 validation_failed — text the database cannot store (NUL, lone surrogates) anywhere in it, or `schema` fails.
 * `__proto__`, `constructor` and `prototype` keys are dropped while parsing, so nothing downstream can be polluted.
 */

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ReadJsonOptions {
  /** Largest body accepted, in bytes (default 1 MB). */
  maxBytes?: number;
  /** What an empty body means; without it an empty body is refused. */
  whenEmpty?: unknown;
  /** The 413 message. */
  tooLargeMessage?: string;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const FORBIDDEN_WORD = /__proto__|constructor|prototype/;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${Math.floor(bytes / 1024)} KB`;
}

/**
 * The bytes of `body`, or null as soon as they run past `maxBytes` (reading stops there). Shared by the JSON body
 * reader and the server-action checks of the proxy (lib/http/action-request.ts), which reads a cloned body.
 */
export async function readBytesUpTo(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: cancelling one branch of a cloned body settles only once the other branch is cancelled too.
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function readLimited(request: Request, maxBytes: number, tooLarge: () => AppError): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  let bytes: Uint8Array | null;
  try {
    bytes = await readBytesUpTo(request.body, maxBytes);
  } catch (cause) {
    throw new AppError("bad_request", "The request body could not be read.", { cause });
  }
  if (bytes === null) throw tooLarge();
  return bytes;
}

/** The parsed JSON body (unvalidated, but storable and free of prototype keys). */
export async function readJsonBody(request: Request, options: ReadJsonOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_BODY_LIMIT;
  const tooLarge = () =>
    new AppError("payload_too_large", options.tooLargeMessage ?? `The request body is too large (at most ${formatBytes(maxBytes)}).`, {
      details: { maxBytes },
    });
  if (request.bodyUsed) throw new AppError("bad_request", "The request body was already read.");
  const bytes = await readLimited(request, maxBytes, tooLarge);
  // Checked, then decoded (as a fatal TextDecoder would, byte-order mark dropped, at a fraction of its cost).
  if (!isUtf8(bytes)) throw new AppError("bad_request", "The request body is not valid UTF-8 text.");
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") {
    if ("whenEmpty" in options) return options.whenEmpty;
    throw new AppError("bad_request", "Send a JSON body (Content-Type: application/json).");
  }
  const type = request.headers.get("content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new AppError("bad_request", `Send the body as JSON with Content-Type: application/json (got ${type ? JSON.stringify(type.slice(0, 100)) : "none"}).`);
  }
  // Without a \u escape the text can hold no NUL (JSON has none raw) and no lone surrogate (valid UTF-8 has none), and
  // every key is spelled as written: then the parse needs no reviver unless a forbidden word is there, and the value
  // no walk. A body with escapes takes both.
  const escaped = text.includes("\\u");
  let json: unknown;
  try {
    json = escaped || FORBIDDEN_WORD.test(text) ? JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value)) : JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (escaped) assertStorable(json, "The request body");
  return json;
}

/** Reads the JSON body and validates it with `schema` (400 validation_failed naming the first bad field). */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, options: ReadJsonOptions = {}): Promise<z.output<S>> {
  const json = await readJsonBody(request, options);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
