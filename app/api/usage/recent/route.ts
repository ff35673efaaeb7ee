import type { RecentPage } from "@/lib/dashboard/contract";
import { getRecentUsage, parseDashboardQuery, recentParams } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/usage/recent?range…&cursor=&limit=1..100 → the signed-in user's model calls, newest first. */
export const GET = route("user", async (request, { user }): Promise<RecentPage> => {
  const query = parseDashboardQuery(request, recentParams);
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getRecentUsage({ userId: user.id, range, limit: query.limit, cursor: query.cursor });
});
