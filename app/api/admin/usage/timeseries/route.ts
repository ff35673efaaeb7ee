import { ADMIN_GROUP_BY, type UsageTimeseries } from "@/lib/dashboard/contract";
import { getUsageTimeseries, groupByParam, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/usage/timeseries?range…&groupBy=none|provider|model|user → the organisation's cost over time. Admins only. */
export const GET = route("admin", async (request, { user }): Promise<UsageTimeseries> => {
  const query = parseDashboardQuery(request, groupByParam(ADMIN_GROUP_BY));
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUsageTimeseries({ subject: { org: true }, range, groupBy: query.groupBy });
});
