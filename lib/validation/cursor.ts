import { z } from "zod";
import { UUID_PATTERN } from "./id";

/**
 * The one cursor codec of every keyset-paginated list (conversations, recent usage, the audit log): a position in
 * (time, id) order, written `<microseconds since the epoch>|<uuid>`. Clients pass `nextCursor` back unchanged;
 * anything else — a malformed value, a time outside 2000–2100, a bad uuid — is refused with a 400.
 */
export interface CursorPosition {
  /** The row's time in microseconds since the epoch (exact for PostgreSQL timestamps). */
  micros: bigint;
  id: string;
}

export const CURSOR_MESSAGE = "cursor is not one this API gave out: pass a nextCursor from a previous page unchanged";

const MIN_MICROS = BigInt(Date.UTC(2000, 0, 1)) * 1000n;
const MAX_MICROS = BigInt(Date.UTC(2101, 0, 1)) * 1000n;
const CURSOR = /^(\d{1,17})\|([0-9a-f-]{36})$/i;

export function encodeCursor(position: CursorPosition): string {
  return `${position.micros}|${position.id}`;
}

/** A cursor for a row whose time is a JS Date (millisecond precision). */
export function cursorAt(time: Date, id: string): string {
  return encodeCursor({ micros: BigInt(time.getTime()) * 1000n, id });
}

/** The position, or null for anything `encodeCursor` could not have produced. */
export function decodeCursor(value: unknown): CursorPosition | null {
  if (typeof value !== "string") return null;
  const match = CURSOR.exec(value);
  if (!match || !UUID_PATTERN.test(match[2]!)) return null;
  const micros = BigInt(match[1]!);
  if (micros < MIN_MICROS || micros >= MAX_MICROS) return null;
  return { micros, id: match[2]!.toLowerCase() };
}

/** The position's time as a Date (to the millisecond). */
export function cursorDate(position: CursorPosition): Date {
  return new Date(Number(position.micros / 1000n));
}

/** The `cursor` query parameter: decoded, or a 400 naming it. */
export const cursorParam = z.string().transform((value, ctx): CursorPosition => {
  const position = decodeCursor(value);
  if (!position) {
    ctx.addIssue({ code: "custom", message: CURSOR_MESSAGE });
    return z.NEVER;
  }
  return position;
});
