import { z } from "zod";
import { AppError, type FieldErrors } from "@/lib/errors";

/**
 * Text the database refuses: PostgreSQL `text` cannot hold NUL (U+0000), and a lone UTF-16 surrogate cannot be
 * encoded as UTF-8 (PGlite and node-postgres fail on both with an error that would otherwise surface as a 500).
 * Every string a user sends goes through `text()` (schemas) or `assertStorable` (whole JSON bodies and query strings).
 */

export const UNSTORABLE_TEXT_MESSAGE = "contains characters that cannot be stored (NUL or an unpaired surrogate)";

// Without the `u` flag the regex sees UTF-16 code units, so it can find a high surrogate not followed by a low one and
// a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/**
 * The string schema for anything a user sends: refuses unstorable characters (before any other check, with a clear
 * message), then chain the usual `.trim().min().max()`. `error` is the message for a missing or non-string value.
 */
export function text(error?: string) {
  return z
    .string(error === undefined ? undefined : { error })
    .refine(isStorableText, { message: `This text ${UNSTORABLE_TEXT_MESSAGE}.`, abort: true });
}

/** The path ("message.parts.0.text") of the first string or key in a JSON-like value that cannot be stored. */
export function findUnstorable(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[] | null {
  if (typeof value === "string") return isStorableText(value) ? null : path;
  if (depth > 64 || value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, "(a field name)"];
    const found = findUnstorable(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws a 400 naming the field when any string (or key) in `value` cannot be stored. */
export function assertStorable(value: unknown, what = "The request"): void {
  const path = findUnstorable(value);
  if (!path) return;
  const where = path.length > 0 ? path.join(".") : null;
  const fieldErrors: FieldErrors = where ? { [where]: [`This text ${UNSTORABLE_TEXT_MESSAGE}.`] } : {};
  throw new AppError("validation_failed", where ? `${where}: This text ${UNSTORABLE_TEXT_MESSAGE}.` : `${what} ${UNSTORABLE_TEXT_MESSAGE}.`, {
    details: { fieldErrors },
  });
}
