import { randomUUID } from "node:crypto";
import fc from "fast-check";

/**
 * Shared pieces of the fuzz and authorization suites: the bad inputs, and a recorder that runs each case, checks the
 * answer (never a 500, an error as the JSON error body, at most 5 s) and keeps every failure for one report.
 */

export const CASE_TIMEOUT_MS = 5_000;
export const FC_SEED = 20261202;
export const ONE_MB = 1024 * 1024;
export const INTERNAL_MESSAGE = "Something went wrong on our side";

const ID = "3f2b8c4e-9a71-4d2e-8b3c-5e6f7a8b9c0d";

/** Strings a user (or attacker) might send anywhere. */
export const BAD_STRINGS: [string, string][] = [
  ["empty", ""],
  ["NUL", "a\u0000b"],
  ["only NUL", "\u0000"],
  ["lone high surrogate", "x\uD800y"],
  ["lone low surrogate", "\uDFFF"],
  ["1 MB", "x".repeat(ONE_MB)],
  ["36 dashes", "-".repeat(36)],
  ["uppercase uuid", randomUUID().toUpperCase()],
  ["nil uuid", "00000000-0000-0000-0000-000000000000"],
  ["uuid with junk", `${ID}' or '1'='1`],
  ["out-of-range cursor", `99999999999999999999|${ID}`],
  ["cursor with bad uuid", `1777638896789123|${"-".repeat(36)}`],
  ["cursor in 1970", `1|${ID}`],
  ["year 0000", "0000-01-01"],
  ["year 0099", "0099-12-31"],
  ["9999-12-31", "9999-12-31"],
  ["Feb 30", "2026-02-30"],
  ["__proto__", "__proto__"],
  ["constructor", "constructor"],
  ["SQL", "'; drop table users; --"],
  ["path", "../../../etc/passwd"],
  ["huge number", "1e309"],
  ["negative", "-1"],
  ["NaN", "NaN"],
  ["control characters", "\u0001\u0008\u001b[31m\r\n"],
  ["RTL and emoji", "\u202Egnp.exe 😀"],
  ["javascript URL", "javascript:alert(1)"],
];

/** Ids a route param or id field must refuse (or treat as unknown) without a 500. */
export const BAD_IDS: [string, string][] = [
  ["36 dashes", "-".repeat(36)],
  ["empty", ""],
  ["uppercase unknown uuid", randomUUID().toUpperCase()],
  ["nil uuid", "00000000-0000-0000-0000-000000000000"],
  ["not a uuid", "not-a-uuid"],
  ["NUL", `${ID.slice(0, 35)}\u0000`],
  ["lone surrogate", `${ID.slice(0, 35)}\uD800`],
  ["37 characters", `${ID}0`],
  ["braces", `{${ID}}`],
  ["1 MB", "a".repeat(ONE_MB)],
  ["path traversal", "../../admin"],
];

/** Code units including NUL and lone surrogates, for property-based strings. */
const unit = fc.oneof(
  fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "|", "-", "%", "\\", '"', "'", "<", "{", "["),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(..."abcdef0123456789-:"),
);
export const fuzzString = fc.string({ unit, maxLength: 80 });

/** A fixed sample of an arbitrary (fixed seed): the same inputs on every run. */
export function sample<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, seed = FC_SEED): T[] {
  return fc.sample(arbitrary, { seed, numRuns });
}

/** Any JSON-ish value with hostile strings in it. */
export const fuzzJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fuzzString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fuzzString, fc.constantFrom("__proto__", "constructor", "id", "title", "message", "parts", "text", "type")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

export interface Failure {
  label: string;
  problem: string;
}

/** Runs cases, checks each answer, and keeps the tally the suites report. */
export class Recorder {
  cases = 0;
  serverErrors = 0;
  failures: Failure[] = [];

  fail(label: string, problem: string) {
    this.failures.push({ label, problem: problem.slice(0, 500) });
  }

  /**
   * Calls a route handler and checks: status below 500; a 4xx or 5xx is JSON `{ error: { code, message } }`; answered
   * (body read to the end) within 5 s. `expect4xx` also requires a refusal. Returns the status and parsed body.
   */
  async route(
    label: string,
    call: () => Promise<Response>,
    expect: { status?: number | number[]; refused?: boolean } = {},
  ): Promise<{ status: number; body: unknown }> {
    this.cases++;
    const started = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await call();
      text = await response.text();
    } catch (error) {
      this.serverErrors++;
      this.fail(label, `threw ${(error as Error)?.stack ?? String(error)}`);
      return { status: 0, body: undefined };
    }
    const elapsed = Date.now() - started;
    if (elapsed > CASE_TIMEOUT_MS) this.fail(label, `took ${elapsed} ms`);
    const status = response.status;
    let body: unknown;
    if (status >= 400 || response.headers.get("content-type")?.includes("application/json")) {
      try {
        body = JSON.parse(text);
      } catch {
        this.fail(label, `status ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
    }
    if (status >= 500) {
      this.serverErrors++;
      this.fail(label, `status ${status}: ${text.slice(0, 300)}`);
    } else if (status >= 400) {
      // Ours and OpenAI's shape carry error.code; the Anthropic-compatible gateway answers in Anthropic's
      // {type: "error", error: {type, message}}.
      const error = (body as { error?: { code?: unknown; type?: unknown; message?: unknown } } | undefined)?.error;
      const kind = (body as { type?: unknown } | undefined)?.type === "error" ? error?.type : error?.code;
      if (typeof kind !== "string" || typeof error?.message !== "string" || !error.message) {
        this.fail(label, `status ${status} without the JSON error body: ${text.slice(0, 200)}`);
      }
    }
    const wanted = expect.status === undefined ? undefined : ([] as number[]).concat(expect.status);
    if (wanted && !wanted.includes(status)) this.fail(label, `status ${status}, expected ${wanted.join(" or ")}: ${text.slice(0, 200)}`);
    if (expect.refused && (status < 400 || status >= 500)) this.fail(label, `status ${status}, expected a 4xx refusal: ${text.slice(0, 200)}`);
    return { status, body };
  }
}

/**
 * What a server action did with one input: returned a state (its normal error state, or success), or threw. A thrown
 * AppError with a 4xx status and Next.js navigation (redirect, notFound) are fine; anything else, and a state carrying
 * the "Something went wrong" message of an unexpected error, counts as a 500.
 */
export async function checkAction(recorder: Recorder, label: string, call: () => Promise<unknown>): Promise<unknown> {
  recorder.cases++;
  const started = Date.now();
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    const status = (error as { status?: unknown } | null)?.status;
    if (isNavigation(error)) return undefined;
    if ((error as Error | null)?.name === "AppError" && typeof status === "number" && status < 500) return undefined;
    recorder.serverErrors++;
    recorder.fail(label, `threw ${String((error as Error)?.stack ?? error).split("\n").slice(0, 4).join(" | ")}`);
    return undefined;
  }
  const elapsed = Date.now() - started;
  if (elapsed > CASE_TIMEOUT_MS) recorder.fail(label, `took ${elapsed} ms`);
  const message = (result as { error?: unknown } | null | undefined)?.error;
  if (typeof message === "string" && message.includes(INTERNAL_MESSAGE)) {
    recorder.serverErrors++;
    recorder.fail(label, `unexpected error state: ${message}`);
  }
  if (result !== undefined && (result === null || typeof result !== "object")) recorder.fail(label, `returned ${String(result)}, not an action state`);
  return result;
}

/** Errors Next.js uses for control flow (redirect(), notFound(), forbidden()): not failures. */
export function isNavigation(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}

/**
 * encodeURIComponent for any string: a lone surrogate (which encodeURIComponent refuses) is sent as its 3 WTF-8
 * bytes, as a raw client could — servers decode them to U+FFFD.
 */
export function encodeQueryValue(value: string): string {
  if (value.isWellFormed()) return encodeURIComponent(value);
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    } else {
      out += encodeURIComponent(value[i]!);
    }
  }
  return out;
}
