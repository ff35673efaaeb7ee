import "server-only";
import { findActiveApiTokenByHash, LAST_USED_RESOLUTION_MS, touchApiTokenLastUsed, type ApiTokenRow } from "@/db/queries/api-tokens";
import type { ApiTokenScope, User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { logFailure } from "@/lib/log";
import { runInBackground } from "@/lib/usage/background";
import { hasScope, SCOPE_INFO } from "./scopes";
import { hashApiToken, looksLikeApiToken } from "./token";

export interface ApiTokenAuth {
  user: User;
  token: ApiTokenRow;
}

/**
 * Token lookups are cached per process. An entry is trusted for at most `ttlMs` (1 s), counted from before the query
 * that produced it started: a token revoked or expired, or whose user was disabled, in another process stops working
 * within a second; revoking or disabling through this process's own actions forgets it at once (`forgetApiToken`,
 * `forgetApiTokensOfUser`). So that steady traffic never waits for that check, a request served from an entry in its
 * last `refreshAheadMs` starts the next lookup in the background (one per token at a time); requests that do need a
 * lookup share the one in flight. Only working tokens are cached. `clock` (milliseconds, monotonic) is for tests.
 */
export const apiTokenCache = { ttlMs: 1_000, refreshAheadMs: 250, maxEntries: 10_000, clock: () => performance.now() };

interface CacheEntry {
  auth: ApiTokenAuth;
  /** `apiTokenCache.clock()` before the lookup that produced it. */
  fetchedAt: number;
}
const cache = new Map<string, CacheEntry>();
/** Lookups under way, by token hash: concurrent requests for one token make one query. */
const inFlight = new Map<string, Promise<ApiTokenAuth | undefined>>();
/** Bumped whenever tokens are forgotten: a lookup that started before must not put its (older) answer in the cache. */
let generation = 0;
/** When this process last wrote `last_used_at` for a token (ms since the epoch): one write a minute at most. */
const touched = new Map<string, number>();

export function clearApiTokenCache(): void {
  cache.clear();
  inFlight.clear();
  touched.clear();
  generation++;
}

/** Drops a token from this process's cache (after revoking it here). */
export function forgetApiToken(tokenId: string): void {
  forgetWhere((auth) => auth.token.id === tokenId);
  touched.delete(tokenId);
}

/** Drops every token of a user from this process's cache (after disabling them here). */
export function forgetApiTokensOfUser(userId: string): void {
  forgetWhere((auth) => auth.user.id === userId);
}

function forgetWhere(match: (auth: ApiTokenAuth) => boolean): void {
  for (const [hash, entry] of cache) if (match(entry.auth)) cache.delete(hash);
  // A lookup under way may have read the row before the change: later requests start their own.
  inFlight.clear();
  generation++;
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

/** Looks the token up (or joins the lookup under way) and caches a working one. */
function fetchToken(hash: string, now: Date): Promise<ApiTokenAuth | undefined> {
  const pending = inFlight.get(hash);
  if (pending) return pending;
  const started = apiTokenCache.clock();
  const seen = generation;
  const lookup = findActiveApiTokenByHash({ tokenHash: hash, now })
    .then((found) => {
      if (!found) cache.delete(hash);
      else if (apiTokenCache.ttlMs > 0 && seen === generation) {
        if (cache.size >= apiTokenCache.maxEntries) cache.clear();
        cache.set(hash, { auth: found, fetchedAt: started });
      }
      return found;
    })
    .finally(() => {
      if (inFlight.get(hash) === lookup) inFlight.delete(hash);
    });
  inFlight.set(hash, lookup);
  return lookup;
}

async function lookUp(hash: string, now: Date): Promise<ApiTokenAuth | undefined> {
  const cached = cache.get(hash);
  if (cached) {
    const age = apiTokenCache.clock() - cached.fetchedAt;
    const expiresAt = cached.auth.token.expiresAt;
    if (age >= 0 && age < apiTokenCache.ttlMs && (!expiresAt || expiresAt.getTime() > now.getTime())) {
      if (age >= apiTokenCache.ttlMs - apiTokenCache.refreshAheadMs && !inFlight.has(hash)) {
        fetchToken(hash, now).catch((error: unknown) => logFailure("api", "refreshing a cached API token", error));
      }
      return cached.auth;
    }
    cache.delete(hash);
  }
  return fetchToken(hash, now);
}

/**
 * Writes `last_used_at` at most once a minute per token, in the background: the request never waits for it, and a
 * failure to write it never fails the request.
 */
function touch(token: ApiTokenRow, now: Date): void {
  const last = touched.get(token.id) ?? token.lastUsedAt?.getTime();
  if (last !== undefined && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
  if (touched.size >= apiTokenCache.maxEntries) touched.clear(); // (the database still holds the once-a-minute rule)
  touched.set(token.id, now.getTime());
  runInBackground("recording an API token's last use", () => touchApiTokenLastUsed({ id: token.id, now }));
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
  touch(auth.token, now);
  return auth;
}
