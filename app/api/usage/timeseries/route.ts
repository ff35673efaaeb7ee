import { GROUP_BY, type UsageTimeseries } from "@/lib/dashboard/contract";
import { getUsageTimeseries, groupByParam, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/usage/timeseries?range…&groupBy=none|provider|model → the signed-in user's cost by hour (today) or day. */
export const GET = route("user", async (request, { user }): Promise<UsageTimeseries> => {
  const query = parseDashboardQuery(request, groupByParam(GROUP_BY));
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUsageTimeseries({ subject: { userId: user.id }, range, groupBy: query.groupBy });
});
