/**
 * The proxy's check of a server-action request (a POST with a `Next-Action` header, or a multipart POST to a page:
 * a form sent without JavaScript) before Next.js decodes it.
 * Next.js 16 answers 500 to a body it cannot decode (garbage, a root that is not an argument list, a multipart body
 * without its root field, a reference to a part that is not there), to a body over `serverActions.bodySizeLimit`
 * and to a foreign `Origin`; the user sees "Something went wrong" and the log fills with decoder stack traces.
 * Here those get a 400, 413 or 403 with a JSON error body instead. What Next.js's own client sends passes through:
 * a `text/plain` argument list, or `multipart/form-data` whose field `0` is the argument list and whose form
 * arguments are `$K<id>` references to fields named `<id>_<name>`. Unknown or malformed action ids are left to
 * Next.js (409 / 400 with `x-nextjs-action-not-found`, which its client router reads).
 * Arguments that need parts of their own (Map, Set, Blob, streams, server references) are refused — no action
 * takes them; allow them here if one ever does. No server-only imports: the proxy bundles it.
 */
import type { ErrorCode } from "@/lib/errors";
import { readBytesUpTo } from "@/lib/validation/body";

/** Next.js's default `serverActions.bodySizeLimit` ("1 MB"); next.config.ts sets no other. */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;
const LIMIT_TEXT = "1 MB";

export interface ActionRefusal {
  status: 400 | 403 | 413;
  code: ErrorCode;
  message: string;
}

const UNREADABLE: ActionRefusal = {
  status: 400,
  code: "bad_request",
  message: "This server action request could not be read. Reload the page and try again.",
};
const TOO_LARGE: ActionRefusal = {
  status: 413,
  code: "payload_too_large",
  message: `This form sends more than the ${LIMIT_TEXT} a server action accepts. Send less (shorter text, fewer entries).`,
};
const WRONG_TYPE: ActionRefusal = {
  status: 400,
  code: "bad_request",
  message: "A server action takes a multipart/form-data or text/plain body. Reload the page and try again.",
};
const FOREIGN_ORIGIN: ActionRefusal = {
  status: 403,
  code: "forbidden",
  message: "This request was sent from another site. Open the app and submit the form there.",
};

/**
 * Encoded values that stand alone: `$$…` (an escaped `$`), undefined, NaN, ±Infinity, -0, BigInt, Date, and a
 * FormData argument (`$K<hex id>`, its fields are `<id>_<name>`). Every other `$…` string refers to another part.
 */
const SELF_CONTAINED = /^\$(?:\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|n-?\d+$|D|K[0-9a-f]+$)/;

export function isReadableReply(root: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(root);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  const pending: unknown[] = [parsed];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (value.startsWith("$") && !SELF_CONTAINED.test(value)) return false;
    } else if (value !== null && typeof value === "object") {
      pending.push(...(Array.isArray(value) ? value : Object.values(value)));
    }
  }
  return true;
}

/** Next.js compares `Origin` with the first `X-Forwarded-Host`, else `Host` (and answers 500 when they differ). */
function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (origin === null) return true; // hand-made requests carry none; Next.js lets them through too
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return originHost !== "" && (originHost === forwarded || originHost === headers.get("host"));
}

async function isTooLarge(request: Request): Promise<{ tooLarge: true } | { tooLarge: false; bytes: Uint8Array<ArrayBuffer> }> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > ACTION_BODY_LIMIT_BYTES) return { tooLarge: true };
  const bytes = await readBytesUpTo(request.clone().body, ACTION_BODY_LIMIT_BYTES);
  return bytes === null ? { tooLarge: true } : { tooLarge: false, bytes };
}

/** Null when Next.js may decode the request; otherwise the refusal to answer with. Reads a clone of the body. */
export async function checkActionRequest(request: Request): Promise<ActionRefusal | null> {
  if (request.method !== "POST") return null;
  const contentType = request.headers.get("content-type") ?? ""; // the boundary is case-sensitive
  const multipart = contentType.toLowerCase().startsWith("multipart/form-data");

  if (!request.headers.has("next-action")) {
    // A form posted without JavaScript: Next.js looks for an action in any multipart POST to a page and answers
    // 500 to one over the limit or from another origin. Its contents are Next.js's to judge (it answers 400 to
    // what it cannot read).
    if (!multipart || new URL(request.url).pathname.startsWith("/api/")) return null;
    if (!isSameOrigin(request.headers)) return FOREIGN_ORIGIN;
    return (await isTooLarge(request)).tooLarge ? TOO_LARGE : null;
  }
  if (!isSameOrigin(request.headers)) return FOREIGN_ORIGIN;
  if (!multipart && !contentType.toLowerCase().startsWith("text/plain")) return WRONG_TYPE;

  const body = await isTooLarge(request);
  if (body.tooLarge) return TOO_LARGE;
  const { bytes } = body;

  if (!multipart) return isReadableReply(new TextDecoder().decode(bytes)) ? null : UNREADABLE;
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    return UNREADABLE;
  }
  const root = form.get("0");
  return typeof root === "string" && isReadableReply(root) ? null : UNREADABLE;
}
