import { z } from "zod";
import { findUnstorable, text } from "@/lib/validation/text";

/**
 * One event of `POST /api/track`, as apps and hooks send it (snake_case; unknown fields are ignored). Everything is
 * optional but what identifies the event: at least one of `skill_id`, `tool_name`, `model_name`. A payload without
 * token fields is still a counted use of its skill. Token conventions: lib/track/usage.ts. Pure (no I/O).
 */

export const MAX_EVENTS = 1_000;
export const MAX_METADATA_BYTES = 4 * 1024;
/** A reported `ts` may be at most this far ahead of the server's clock (clock skew), and at most 400 days old. */
export const MAX_TS_AHEAD_MS = 5 * 60_000;
export const MAX_TS_AGE_MS = 400 * 86_400_000;

const tag = (max: number) => text().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const tokens = z.number().int("must be a whole number").min(0, "must not be negative").max(1e12, "is too large");

/** A USD amount with at most 9 decimals, from a decimal string or a JSON number, as exact integer nano-USD. */
export const costUsdSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const decimal = typeof value === "number" ? numberToDecimal(value) : value.trim();
  const nano = decimal === null ? null : decimalUsdToNano(decimal);
  if (nano === null) {
    ctx.addIssue({
      code: "custom",
      message: "must be a non-negative USD amount with at most 9 decimals (e.g. \"0.000123\"), below $1,000,000,000,000",
    });
    return z.NEVER;
  }
  return nano;
});

/** "0.000123" → 123_000 nano-USD exactly; null for a negative, malformed or too precise amount. */
export function decimalUsdToNano(decimal: string): number | null {
  const match = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(decimal);
  if (!match) return null;
  const total = BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? "").padEnd(9, "0"));
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(total);
}

/** A JSON number as the decimal it was written as (shortest round-trip form, exponent expanded); null if not finite. */
export function numberToDecimal(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  const written = String(value);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(written);
  if (!exp) return written;
  const [, sign, lead, rest = "", power] = exp;
  const digits = lead! + rest;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** `ts`: an ISO 8601 time (a zone or `Z` required), or Unix time as a number (seconds, or milliseconds if ≥ 10^11). */
const tsSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  let at: Date | null = null;
  if (typeof value === "number") {
    if (Number.isFinite(value) && value > 0) at = new Date(value >= 1e11 ? value : value * 1000);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) {
    at = new Date(value.trim());
  }
  if (!at || Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 time with a zone (2026-12-02T09:00:00Z) or Unix time in seconds or milliseconds" });
    return z.NEVER;
  }
  return at;
});

const metadataSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const bad = findUnstorable(value);
  if (bad) ctx.addIssue({ code: "custom", message: `${bad.join(".") || "a field"} contains characters that cannot be stored (NUL or an unpaired surrogate)` });
  const bytes = new TextEncoder().encode(JSON.stringify(value)).byteLength;
  if (bytes > MAX_METADATA_BYTES) ctx.addIssue({ code: "custom", message: `must be at most 4 KB as JSON (it is ${bytes.toLocaleString("en-US")} bytes)` });
});

export const trackEventSchema = z
  .object({
    event_id: tag(200).optional(),
    skill_id: tag(200).optional(),
    tool_name: tag(200).optional(),
    model_name: tag(300).optional(),
    provider: tag(100).optional(),
    feature: tag(100).optional(),
    session_id: tag(200).optional(),
    ts: tsSchema.optional(),
    latency_ms: z.number().int("must be a whole number").min(0, "must not be negative").max(86_400_000, "must be at most a day").optional(),
    ttft_ms: z.number().int("must be a whole number").min(0, "must not be negative").max(86_400_000, "must be at most a day").optional(),
    input_tokens: tokens.optional(),
    output_tokens: tokens.optional(),
    cache_read_tokens: tokens.optional(),
    cache_write_tokens: tokens.optional(),
    reasoning_tokens: tokens.optional(),
    cost_usd: costUsdSchema.optional(),
    status: z.enum(["ok", "error", "aborted"], "must be ok, error or aborted").optional(),
    metadata: metadataSchema.optional(),
  })
  .refine((e) => e.skill_id !== undefined || e.tool_name !== undefined || e.model_name !== undefined, {
    message: "An event needs at least one of skill_id, tool_name or model_name.",
  });

export type TrackEvent = z.output<typeof trackEventSchema>;

/** The events of a body: `{"events": […]}`, a bare array, or one event object. Null when it is none of these. */
export function eventsOf(body: unknown): unknown[] | null {
  if (Array.isArray(body)) return body;
  if (body === null || typeof body !== "object") return null;
  const events = (body as { events?: unknown }).events;
  if (events === undefined) return [body];
  return Array.isArray(events) ? events : null;
}

/** A rejected event's message: the first problem, naming its field. */
export function issueMessage(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return "The event is not valid.";
  if (first.code === "invalid_type" && first.path.length === 0) return "An event must be a JSON object.";
  return first.path.length > 0 ? `${first.path.join(".")}: ${first.message}` : first.message;
}
