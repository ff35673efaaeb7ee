import "server-only";
import { route } from "@/lib/http/route";
import { skillUsage } from "@/lib/track/stats";
import { parseDashboardQuery } from "./params";
import { effectiveTimeZone, resolveRange } from "./range";
import { requireSubjectUser } from "./routes";

/**
 * The GET handler of the skills table: `/api/usage/skills` (the signed-in user) and `/api/admin/users/:id/usage/skills`
 * (one user, seen by an admin, in that user's time zone; 404 for an unknown id), with the dashboards' range parameters.
 * The numbers are `/api/usage/stats`' `by_skill` over the range (one query: db/queries/usage-stats.ts).
 */
export function skillsRoute(audience: "me" | "user") {
  return route(audience === "me" ? "user" : "admin", async (request, { user, params }) => {
    const subject = audience === "me" ? { userId: user.id, timeZone: effectiveTimeZone(user.timeZone) } : await requireSubjectUser(params.id);
    const range = resolveRange(parseDashboardQuery(request, {}), subject.timeZone);
    return skillUsage({ userId: subject.userId, range });
  });
}
