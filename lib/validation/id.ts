import { z } from "zod";

/**
 * The one id check: every id in this app is a PostgreSQL uuid, written in RFC 4122 syntax (8-4-4-4-12 hex digits,
 * either case). Route params, page params, query params, JSON fields and form fields that name a row all use it, so a
 * malformed id (36 dashes, an empty string) never reaches SQL, where `::uuid` would fail with a 500.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/** The id in canonical (lower-case) form, or null when `value` is not one. */
export function parseId(value: unknown): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}

/** A uuid field: trimmed, checked, lower-cased. `message` says what the id should name. */
export function uuid(message = "That is not an id (a UUID).") {
  return z
    .string({ error: message })
    .trim()
    .regex(UUID_PATTERN, message)
    .transform((value) => value.toLowerCase());
}
