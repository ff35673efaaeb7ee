import "server-only";
import { AppError } from "@/lib/errors";
import { readBytesUpTo } from "@/lib/validation/body";

/** The largest `/api/track` body (a batch of 1,000 events with metadata fits well below it). */
export const TRACK_BODY_LIMIT = 10 * 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The JSON body of `/api/track`, like lib/validation/body.ts's reader (413 over the limit, 400 for anything but JSON,
 * prototype keys dropped) but without its whole-body storability check: text the database cannot store is refused
 * per event by the event schema, so one bad event does not sink the batch.
 */
export async function readTrackBody(request: Request): Promise<unknown> {
  const tooLarge = () => new AppError("payload_too_large", "The request body is too large (at most 10 MB): send the events in smaller batches.", { details: { maxBytes: TRACK_BODY_LIMIT } });
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > TRACK_BODY_LIMIT) throw tooLarge();
  let bytes: Uint8Array | null;
  try {
    bytes = await readBytesUpTo(request.body, TRACK_BODY_LIMIT);
  } catch (cause) {
    throw new AppError("bad_request", "The request body could not be read.", { cause });
  }
  if (bytes === null) throw tooLarge();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "The request body is not valid UTF-8 text.");
  }
  if (text.trim() === "") throw new AppError("bad_request", 'Send a JSON body: one event, or {"events": [ … ]}.');
  const type = request.headers.get("content-type") ?? "";
  if (!JSON_TYPE.test(type)) throw new AppError("bad_request", `Send the body as JSON with Content-Type: application/json (got ${type ? JSON.stringify(type.slice(0, 100)) : "none"}).`);
  try {
    return JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value));
  } catch (error) {
    throw new AppError("bad_request", `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
}
