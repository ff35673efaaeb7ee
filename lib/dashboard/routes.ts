import "server-only";
import type { z } from "zod";
import { getUserById } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { skillUsage } from "@/lib/track/stats";
import { parseId } from "@/lib/validation/id";
import { ADMIN_BREAKDOWN_BY, ADMIN_GROUP_BY, BREAKDOWN_BY, GROUP_BY } from "./contract";
import { exportUsageCsv } from "./csv-export";
import { breakdownByParam, groupByParam, parseDashboardQuery, recentParams } from "./params";
import { effectiveTimeZone, resolveRange } from "./range";
import { getRecentUsage, getUnpricedModels, getUsageBreakdown, getUsageSummary, getUsageTimeseries, orgRange, type Subject } from "./reports";

/**
 * The dashboards' route handlers: every app/api/…/usage/<view>/route.ts is `export const GET = dashboardRoute(audience,
 * view)`. The audience decides who may ask (checked on the server by `route`) and whose data it is:
 *   me    /api/usage/<view>                  the signed-in user's own (a userId-like parameter is ignored)
 *   org   /api/admin/usage/<view>            the organisation's; admins only; each user over their own days (in
 *                                            their time zone), hours labelled in the admin's
 *   user  /api/admin/users/:id/usage/<view>  one user's, seen by an admin, in that user's time zone (404 for an
 *                                            unknown id, before the query is checked)
 */

type Audience = "me" | "org" | "user";
type UserView = "summary" | "timeseries" | "breakdown" | "recent" | "export" | "skills";
type OrgView = "summary" | "timeseries" | "breakdown" | "unpriced";
type ViewOf<A extends Audience> = A extends "org" ? OrgView : UserView;

interface Scope {
  subject: Subject;
  timeZone: string;
}

/** The user an admin asks about (`/api/admin/users/:id/…`), with their time zone; 404 for an unknown id. */
async function requireSubjectUser(id: unknown): Promise<{ userId: string; timeZone: string }> {
  const userId = parseId(id);
  const user = userId ? await getUserById({ id: userId }) : undefined;
  if (!user) throw new AppError("not_found", "That user does not exist.");
  return { userId: user.id, timeZone: effectiveTimeZone(user.timeZone) };
}

async function scopeOf(audience: Audience, viewer: User, params: Record<string, unknown>): Promise<Scope> {
  if (audience === "me") return { subject: { userId: viewer.id }, timeZone: effectiveTimeZone(viewer.timeZone) };
  if (audience === "org") return { subject: { org: true }, timeZone: effectiveTimeZone(viewer.timeZone) };
  const target = await requireSubjectUser(params.id);
  return { subject: { userId: target.userId }, timeZone: target.timeZone };
}

/** The query, the resolved range and whose usage: organisation-wide, each user's own span of the range. */
async function read<T extends z.ZodRawShape>(request: Request, scope: Scope, extra: T) {
  const query = parseDashboardQuery(request, extra);
  if (!("org" in scope.subject)) return { query, range: resolveRange(query, scope.timeZone), subject: scope.subject };
  const { range, zones } = await orgRange(query, scope.timeZone);
  return { query, range, subject: { org: true, zones } satisfies Subject };
}

const orgWide = (scope: Scope) => "org" in scope.subject;

function userIdOf(scope: Scope): string {
  if (!("userId" in scope.subject)) throw new Error("This dashboard view needs one user."); // excluded by ViewOf
  return scope.subject.userId;
}

const VIEWS: Record<UserView | OrgView, (request: Request, scope: Scope) => Promise<Response | object>> = {
  summary: async (request, scope) => {
    const { range, subject } = await read(request, scope, {});
    return getUsageSummary({ subject, range });
  },
  timeseries: async (request, scope) => {
    const { query, range, subject } = await read(request, scope, groupByParam(orgWide(scope) ? ADMIN_GROUP_BY : GROUP_BY));
    return getUsageTimeseries({ subject, range, groupBy: query.groupBy });
  },
  breakdown: async (request, scope) => {
    const { query, range, subject } = await read(request, scope, breakdownByParam(orgWide(scope) ? ADMIN_BREAKDOWN_BY : BREAKDOWN_BY));
    return getUsageBreakdown({ subject, range, by: query.by });
  },
  recent: async (request, scope) => {
    const { query, range } = await read(request, scope, recentParams);
    return getRecentUsage({ userId: userIdOf(scope), range, limit: query.limit, cursor: query.cursor });
  },
  export: async (request, scope) => exportUsageCsv({ userId: userIdOf(scope), range: (await read(request, scope, {})).range }),
  // `/api/usage/stats`' `by_skill` over the range (one query: db/queries/usage-stats.ts).
  skills: async (request, scope) => skillUsage({ userId: userIdOf(scope), range: (await read(request, scope, {})).range }),
  unpriced: async (request, scope) => {
    const { range, subject } = await read(request, scope, {});
    return getUnpricedModels({ range, zones: "zones" in subject ? subject.zones : undefined });
  },
};

/** The GET handler of one dashboard endpoint. */
export function dashboardRoute<A extends Audience>(audience: A, view: ViewOf<A>) {
  return route(audience === "me" ? "user" : "admin", async (request, { user, params }) =>
    VIEWS[view](request, await scopeOf(audience, user, params)),
  );
}
