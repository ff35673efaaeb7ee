import "server-only";
import { getApiToken, getApiTokenOwner, insertApiToken, listApiTokens, revokeApiToken, type ApiTokenRow } from "@/db/queries/api-tokens";
import { inTransaction } from "@/db/queries/transaction";
import type { ApiTokenScope, User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit-log";
import { addDays, localDay, startOfLocalDay } from "@/lib/budgets/periods";
import { AppError } from "@/lib/errors";
import { parseId } from "@/lib/validation/id";
import { forgetApiToken } from "./authenticate";
import type { CreateApiTokenInput } from "./schemas";
import { displayPrefix, generateApiToken, hashApiToken } from "./token";

export type ApiTokenStatus = "active" | "expired" | "revoked";

/** A token as the settings and admin pages show it (never the token or its hash). */
export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiTokenScope[];
  defaultFeature: string | null;
  monthlyBudgetNano: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: ApiTokenStatus;
}

export function tokenStatus(row: Pick<ApiTokenRow, "revokedAt" | "expiresAt">, now: Date): ApiTokenStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

export function toApiTokenView(row: ApiTokenRow, now: Date = new Date()): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    defaultFeature: row.defaultFeature,
    monthlyBudgetNano: row.monthlyBudgetNano,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status: tokenStatus(row, now),
  };
}

/** The end of day `day` (YYYY-MM-DD) in `timeZone`: a token that expires "on" a day works until that day is over. */
function endOfLocalDay(day: string, timeZone: string): Date {
  const [year, month, date] = addDays(day, 1).split("-").map(Number) as [number, number, number];
  return startOfLocalDay(year, month, date, timeZone);
}

/**
 * Creates a token for `user`. Returns the token itself — the only time it exists outside the caller's hands — and the
 * stored row (which holds only its hash). Audited with the user as actor and target (name and prefix, never the token).
 */
export async function createApiToken(
  user: Pick<User, "id" | "email" | "timeZone">,
  input: CreateApiTokenInput,
  now: Date = new Date(),
): Promise<{ token: string; view: ApiTokenView }> {
  const timeZone = user.timeZone ?? "UTC";
  let expiresAt: Date | null = null;
  if (input.expiresOn !== null) {
    if (input.expiresOn < localDay(now, timeZone)) {
      throw new AppError("validation_failed", "The expiry date is in the past.", {
        details: { fieldErrors: { expiresOn: ["That day is in the past: choose today or a later day, or leave it empty."] } },
      });
    }
    expiresAt = endOfLocalDay(input.expiresOn, timeZone);
  }
  const token = generateApiToken();
  const row = await inTransaction(async (tx) => {
    const row = await insertApiToken(
      {
        userId: user.id,
        name: input.name,
        prefix: displayPrefix(token),
        tokenHash: hashApiToken(token),
        scopes: input.scopes,
        defaultFeature: input.defaultFeature,
        monthlyBudgetNano: input.monthlyUsd,
        expiresAt,
        createdAt: now,
      },
      tx,
    );
    await recordAudit(
      {
        actor: user,
        target: user,
        action: "api_token.created",
        details: { name: row.name, prefix: row.prefix, scopes: row.scopes.join(", "), expiresAt: expiresAt?.toISOString() },
      },
      tx,
    );
    return row;
  });
  return { token, view: toApiTokenView(row, now) };
}

export async function listApiTokenViews(userId: string, now: Date = new Date()): Promise<ApiTokenView[]> {
  return (await listApiTokens({ userId })).map((row) => toApiTokenView(row, now));
}

/** Why nothing was revoked: the token is unknown to this caller, or was revoked already. */
async function notRevoked(id: string, ownerId: string | undefined): Promise<never> {
  const row = await getApiToken({ id });
  if (!row || (ownerId !== undefined && row.userId !== ownerId)) throw new AppError("not_found", "That token does not exist.");
  throw new AppError("bad_request", `“${row.name}” is already revoked.`);
}

/** A user revokes one of their own tokens. Someone else's token is "does not exist", like an unknown one. */
export async function revokeOwnApiToken(user: Pick<User, "id" | "email">, tokenId: string, now: Date = new Date()): Promise<ApiTokenView> {
  const id = parseId(tokenId);
  if (!id) throw new AppError("not_found", "That token does not exist.");
  const row = await inTransaction(async (tx) => {
    const row = await revokeApiToken({ id, userId: user.id, revokedBy: user.id, now }, tx);
    if (row) await recordAudit({ actor: user, target: user, action: "api_token.revoked", details: { name: row.name, prefix: row.prefix } }, tx);
    return row;
  });
  if (!row) return notRevoked(id, user.id);
  forgetApiToken(row.id);
  return toApiTokenView(row, now);
}

/** An admin revokes any user's token; audited with the token's user as target. */
export async function revokeApiTokenAsAdmin(
  admin: Pick<User, "id" | "email">,
  tokenId: string,
  now: Date = new Date(),
): Promise<{ view: ApiTokenView; owner: { id: string; email: string } }> {
  const id = parseId(tokenId);
  if (!id) throw new AppError("not_found", "That token does not exist.");
  const result = await inTransaction(async (tx) => {
    const row = await revokeApiToken({ id, revokedBy: admin.id, now }, tx);
    if (!row) return undefined;
    // The owner exists: the token would have gone with them (on delete cascade).
    const owner = (await getApiTokenOwner({ userId: row.userId }, tx))!;
    await recordAudit({ actor: admin, target: owner, action: "api_token.revoked", details: { name: row.name, prefix: row.prefix, by: "admin" } }, tx);
    return { row, owner };
  });
  if (!result) return notRevoked(id, undefined);
  forgetApiToken(result.row.id);
  return { view: toApiTokenView(result.row, now), owner: result.owner };
}
