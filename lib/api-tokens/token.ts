import "server-only";
import { createHash, hash, randomBytes } from "node:crypto";

/**
 * The token itself: `sb_` and 32 random bytes in base64url (43 characters). Only its SHA-256 hash is stored; the
 * prefix lists show (`sb_…abcd`) keeps the last 4 characters, enough to tell tokens apart, far too few to guess one.
 */
export const API_TOKEN_PREFIX = "sb_";
const TOKEN_SHAPE = /^sb_[A-Za-z0-9_-]{43}$/;

export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Lower-case hex SHA-256 of the whole token, as stored in `api_tokens.token_hash`. */
export function hashApiToken(token: string): string {
  // crypto.hash (Node 20.12+) hashes in one call, without a Hash object: it runs on every gateway request.
  return typeof hash === "function" ? hash("sha256", token, "hex") : createHash("sha256").update(token, "utf8").digest("hex");
}

/** What lists show instead of the token: `sb_…abcd`. */
export function displayPrefix(token: string): string {
  return `${API_TOKEN_PREFIX}…${token.slice(-4)}`;
}

/** Whether a string could be one of our tokens at all (anything else is refused without a database lookup). */
export function looksLikeApiToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}
