import "server-only";
import { randomUUID } from "node:crypto";
import type { ApiTokenRow } from "@/db/queries/api-tokens";
import type { ApiTokenScope, User } from "@/db/schema";
import { authenticateApiToken, readApiToken, wwwAuthenticate } from "@/lib/api-tokens/authenticate";
import { requireUser } from "@/lib/auth/session";
import { AppError, toAppError } from "@/lib/errors";
import { logFailure } from "@/lib/log";

/**
 * The wrapper of the API-token routes that speak our own error format (`/api/track`, `/api/budget/check`,
 * `/api/usage/stats`): the caller is the user of an API token with one of `scopes` (Bearer or x-api-key) or — where
 * `session` is allowed — the signed-in user. A request that carries a token is judged by the token alone. 401 (with
 * `WWW-Authenticate`) when there is neither, or the token is not valid; 403 `insufficient_scope` (with it too) when
 * the token lacks every scope. The proxy lets these paths through without a session (lib/auth/public-paths.ts).
 */

export interface Caller {
  user: User;
  /** Null when the caller is signed in with a session. */
  token: ApiTokenRow | null;
}

async function callerOf(request: Request, scopes: readonly ApiTokenScope[], session: boolean): Promise<Caller> {
  if (readApiToken(request.headers) !== null || !session) {
    let refusal: unknown;
    for (const scope of scopes) {
      try {
        const { user, token } = await authenticateApiToken(request, { scope });
        return { user, token };
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "insufficient_scope") throw error;
        refusal ??= error;
      }
    }
    if (scopes.length === 1) throw refusal;
    throw new AppError("insufficient_scope", `This API token has none of the scopes this needs (${scopes.join(", ")}). Create a token with one of them in Settings → API tokens.`, {
      details: { scope: scopes.join(" ") },
    });
  }
  try {
    return { user: await requireUser(), token: null };
  } catch (error) {
    if (error instanceof AppError && error.code === "unauthorized") {
      throw new AppError("invalid_token", "Send an API token as `Authorization: Bearer <token>` (create one in Settings → API tokens), or sign in.", {
        details: { reason: "missing" },
      });
    }
    throw error;
  }
}

export function tokenRoute(
  { scopes, session }: { scopes: readonly ApiTokenScope[]; session: boolean },
  handler: (request: Request, caller: Caller) => Promise<Response | object>,
) {
  return async (request: Request): Promise<Response> => {
    try {
      const result = await handler(request, await callerOf(request, scopes, session));
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === "internal") {
        const requestId = randomUUID();
        logFailure("api", `${request.method} ${new URL(request.url).pathname}`, error, { requestId });
        return Response.json({ error: { ...appError.toJSON().error, details: { requestId } } }, { status: 500 });
      }
      const challenge = wwwAuthenticate(appError);
      return Response.json(appError.toJSON(), { status: appError.status, headers: challenge ? { "WWW-Authenticate": challenge } : {} });
    }
  };
}
