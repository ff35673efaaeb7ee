import "server-only";
import { findActiveApiTokenByHash, LAST_USED_RESOLUTION_MS, touchApiTokenLastUsed, type ApiTokenRow } from "@/db/queries/api-tokens";
import type { ApiTokenScope, User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { logFailure } from "@/lib/log";
import { hasScope, SCOPE_INFO } from "./scopes";
import { hashApiToken, looksLikeApiToken } from "./token";

export interface ApiTokenAuth {
  user: User;
  token: ApiTokenRow;
}

/**
 * Lookups are cached per process for at most `ttlMs` (≤ 1 s), counted from before the query started: a token revoked,
 * expired or whose user was disabled in another process stops working within a second; revoking in this process
 * forgets it at once. Only working tokens are cached. Tests may set `ttlMs` to 0 or call `clearApiTokenCache()`.
 */
export const apiTokenCache = { ttlMs: 1_000, maxEntries: 10_000 };

interface CacheEntry {
  auth: ApiTokenAuth;
  /** performance.now() before the lookup that produced it. */
  fetchedAt: number;
}
const cache = new Map<string, CacheEntry>();
/** When this process last wrote `last_used_at` for a token (ms since the epoch): one write a minute at most. */
const touched = new Map<string, number>();

export function clearApiTokenCache(): void {
  cache.clear();
  touched.clear();
}

/** Drops a token from this process's cache (after revoking it here). */
export function forgetApiToken(tokenId: string): void {
  for (const [hash, entry] of cache) if (entry.auth.token.id === tokenId) cache.delete(hash);
  touched.delete(tokenId);
}

const HOW_TO_SEND = "Send an API token as `Authorization: Bearer <token>` or `x-api-key: <token>`; create one in Settings → API tokens.";

/** The token a request carries: `Authorization: Bearer <token>`, else `x-api-key: <token>`; null when none. */
export function readApiToken(headers: Headers): string | null {
  const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  if (bearer) return bearer[1]!;
  const apiKey = headers.get("x-api-key")?.trim();
  return apiKey ? apiKey : null;
}

/**
 * The value of the `WWW-Authenticate` header (RFC 6750) for an error `authenticateApiToken` threw, or null for other
 * errors. Routes add it to their 401 and 403 answers, in whatever error format their API speaks.
 */
export function wwwAuthenticate(error: unknown): string | null {
  if (!(error instanceof AppError)) return null;
  const details = (error.details ?? {}) as { reason?: string; scope?: string };
  if (error.code === "invalid_token") {
    return details.reason === "missing" ? 'Bearer realm="spendboard"' : 'Bearer realm="spendboard", error="invalid_token"';
  }
  if (error.code === "insufficient_scope") {
    return `Bearer realm="spendboard", error="insufficient_scope", scope="${details.scope ?? ""}"`;
  }
  return null;
}

async function lookUp(hash: string, now: Date): Promise<ApiTokenAuth | undefined> {
  const cached = cache.get(hash);
  const started = performance.now();
  if (cached && started - cached.fetchedAt < apiTokenCache.ttlMs) {
    const expiresAt = cached.auth.token.expiresAt;
    if (!expiresAt || expiresAt.getTime() > now.getTime()) return cached.auth;
  }
  cache.delete(hash);
  const found = await findActiveApiTokenByHash({ tokenHash: hash, now });
  if (found && apiTokenCache.ttlMs > 0) {
    if (cache.size >= apiTokenCache.maxEntries) cache.clear();
    cache.set(hash, { auth: found, fetchedAt: started });
  }
  return found;
}

/** Writes `last_used_at` at most once a minute per token; a failure to write it never fails the request. */
async function touch(token: ApiTokenRow, now: Date): Promise<void> {
  const last = touched.get(token.id) ?? token.lastUsedAt?.getTime();
  if (last !== undefined && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
  if (touched.size >= apiTokenCache.maxEntries) touched.clear(); // (the database still holds the once-a-minute rule)
  touched.set(token.id, now.getTime());
  try {
    await touchApiTokenLastUsed({ id: token.id, now });
  } catch (error) {
    logFailure("api", "recording an API token's last use", error);
  }
}

/**
 * The user and token of a request authenticated by an API token that has `scope`. Throws `invalid_token` (401) when
 * the token is missing, malformed, unknown, revoked or expired, or its user is disabled; `insufficient_scope` (403)
 * when it lacks the scope. Use `wwwAuthenticate(error)` for the header those answers carry.
 */
export async function authenticateApiToken(
  request: Request | Headers,
  { scope, now = new Date() }: { scope: ApiTokenScope; now?: Date },
): Promise<ApiTokenAuth> {
  const token = readApiToken(request instanceof Headers ? request : request.headers);
  if (!token) throw new AppError("invalid_token", `No API token. ${HOW_TO_SEND}`, { details: { reason: "missing" } });
  const auth = looksLikeApiToken(token) ? await lookUp(hashApiToken(token), now) : undefined;
  if (!auth) throw new AppError("invalid_token", undefined, { details: { reason: "invalid" } });
  if (!hasScope(auth.token, scope)) {
    throw new AppError(
      "insufficient_scope",
      `This API token does not have the “${scope}” scope (${SCOPE_INFO[scope].description}). Create a token with it in Settings → API tokens.`,
      { details: { scope } },
    );
  }
  await touch(auth.token, now);
  return auth;
}
