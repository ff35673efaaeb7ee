import "server-only";
import { randomUUID } from "node:crypto";
import type { User } from "@/db/schema";
import { requireAdmin, requireClaimedUser, requireUser, type ClaimedUser } from "@/lib/auth/session";
import { toAppError } from "@/lib/errors";
import { logFailure } from "@/lib/log";
import { ServerTiming, markTiming, runTimed } from "./server-timing";

/**
 * "session": a signed-in user as for "user", but the handler starts with the cookie's claim (lib/auth/session.ts
 * ClaimedUser), checks the session itself or as part of its own read, and must await `user` before it answers or
 * writes anything. Whatever the handler does, a failed check answers instead (401/403), so an error of the handler
 * never hides it.
 */
type Access = "public" | "user" | "admin" | "session";
type Params = Record<string, string | string[] | undefined>;
interface Context<A extends Access> {
  user: A extends "public" ? null : A extends "session" ? ClaimedUser : User;
  params: Params;
}

/**
 * Wraps a route handler: checks access on the server (401 signed out, 403 not an admin), turns every thrown
 * error into the JSON error shape with its status, and logs unexpected ones with a request id (never a 500 page).
 */
export function route<A extends Access>(
  access: A,
  handler: (request: Request, context: Context<A>) => Promise<Response | object>,
) {
  return async (request: Request, routeContext?: { params?: Promise<Params> }): Promise<Response> => runTimed(new ServerTiming(), async () => {
    let claimed: ClaimedUser | undefined;
    try {
      const user = access === "admin" ? await requireAdmin() : access === "user" ? await requireUser() : access === "session" ? (claimed = await requireClaimedUser()) : null;
      markTiming("auth");
      const params = (await routeContext?.params) ?? {};
      const result = await handler(request, { user, params } as Context<A>);
      // (the handler has awaited it already; a refusal stands even if it forgot)
      if (claimed) {
        await claimed.user.catch(async (refusal: unknown) => {
          if (result instanceof Response) await result.body?.cancel().catch(() => undefined);
          throw refusal;
        });
      }
      return result instanceof Response ? result : Response.json(result);
    } catch (handlerError) {
      const error = claimed ? await claimed.user.then(() => handlerError, (refusal: unknown) => refusal) : handlerError;
      const appError = toAppError(error);
      if (appError.code === "internal") {
        const requestId = randomUUID();
        logFailure("api", `${request.method} ${new URL(request.url).pathname}`, error, { requestId });
        return Response.json({ error: { ...appError.toJSON().error, details: { requestId } } }, { status: 500 });
      }
      return Response.json(appError.toJSON(), { status: appError.status });
    }
  });
}
