import "server-only";
import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { apiTokens, users, type ApiToken, type NewApiToken, type User } from "@/db/schema";
import { isUuid } from "@/lib/validation/id";

/**
 * API tokens. Only the SHA-256 hash of a token is ever stored or looked up. Times come from the app's clock (`now`),
 * not the database's, like everywhere else. Lists never return the hash.
 */

/** A token as lists show it: everything but the hash. */
export type ApiTokenRow = Omit<ApiToken, "tokenHash">;

const listed = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  defaultFeature: apiTokens.defaultFeature,
  monthlyBudgetNano: apiTokens.monthlyBudgetNano,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  createdAt: apiTokens.createdAt,
  revokedAt: apiTokens.revokedAt,
  revokedBy: apiTokens.revokedBy,
};

export async function insertApiToken(values: NewApiToken, executor?: DbExecutor): Promise<ApiTokenRow> {
  const db = executor ?? (await getDb());
  const [row] = await db.insert(apiTokens).values(values).returning(listed);
  return row!;
}

/** One user's tokens, newest first (revoked ones too: the list shows their status). */
export async function listApiTokens({ userId }: { userId: string }, executor?: DbExecutor): Promise<ApiTokenRow[]> {
  if (!isUuid(userId)) return [];
  const db = executor ?? (await getDb());
  return db
    .select(listed)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/**
 * Revokes a token that is not revoked yet. With `userId`, only a token of that user (a user revoking their own);
 * without, any token (an admin). Returns the revoked row, or undefined when there was nothing to revoke.
 */
export async function revokeApiToken(
  { id, userId, revokedBy, now }: { id: string; userId?: string; revokedBy: string; now: Date },
  executor?: DbExecutor,
): Promise<ApiTokenRow | undefined> {
  if (!isUuid(id) || (userId !== undefined && !isUuid(userId))) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: now, revokedBy })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt), userId === undefined ? undefined : eq(apiTokens.userId, userId)))
    .returning(listed);
  return row;
}

/** A token by id, whatever its state (for messages: "already revoked", "not yours"). */
export async function getApiToken({ id }: { id: string }, executor?: DbExecutor): Promise<ApiTokenRow | undefined> {
  if (!isUuid(id)) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db.select(listed).from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
  return row;
}

/**
 * The token with this hash and its user, in one query — only while the token works: not revoked, not expired at
 * `now`, and its user not disabled.
 */
export async function findActiveApiTokenByHash(
  { tokenHash, now }: { tokenHash: string; now: Date },
  executor?: DbExecutor,
): Promise<{ token: ApiTokenRow; user: User } | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ token: listed, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  return row;
}

export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Sets `last_used_at = now` unless it was set less than a minute ago: at most one write per token per minute, however
 * many requests and server processes use it. Returns whether it wrote.
 */
export async function touchApiTokenLastUsed({ id, now }: { id: string; now: Date }, executor?: DbExecutor): Promise<boolean> {
  if (!isUuid(id)) return false;
  const db = executor ?? (await getDb());
  const rows = await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))),
      ),
    )
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** The id and email of a token's user (for audit rows written in the revoking transaction). */
export async function getApiTokenOwner({ userId }: { userId: string }, executor?: DbExecutor): Promise<{ id: string; email: string } | undefined> {
  if (!isUuid(userId)) return undefined;
  const db = executor ?? (await getDb());
  const [row] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return row;
}
