import "server-only";
import { randomUUID } from "node:crypto";
import type { User } from "@/db/schema";
import { requireAdmin, requireUser } from "@/lib/auth/session";
import { toAppError } from "@/lib/errors";
import { logFailure } from "@/lib/log";
import { ServerTiming, markTiming, runTimed } from "./server-timing";

type Access = "public" | "user" | "admin";
type Params = Record<string, string | string[] | undefined>;
interface Context<A extends Access> {
  user: A extends "public" ? null : User;
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
    try {
      const user = access === "admin" ? await requireAdmin() : access === "user" ? await requireUser() : null;
      markTiming("auth");
      const params = (await routeContext?.params) ?? {};
      const result = await handler(request, { user, params } as Context<A>);
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
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
