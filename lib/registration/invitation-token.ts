import "server-only";
import { createHash, randomBytes } from "node:crypto";

/**
 * An invitation's token: `inv_` and 32 random bytes in base64url. Only its SHA-256 hash is stored; the link that
 * carries it (`/register?invite=<token>`) is shown once, to the admin who created it.
 */
const TOKEN_SHAPE = /^inv_[A-Za-z0-9_-]{43}$/;

export function generateInvitationToken(): string {
  return `inv_${randomBytes(32).toString("base64url")}`;
}

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Anything else is refused without a database lookup. */
export function looksLikeInvitationToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}
