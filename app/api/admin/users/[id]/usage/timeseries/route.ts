import { GROUP_BY, type UsageTimeseries } from "@/lib/dashboard/contract";
import { getUsageTimeseries, groupByParam, parseDashboardQuery, requireSubjectUser } from "@/lib/dashboard/queries";
import { resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/users/:id/usage/timeseries?range…&groupBy=none|provider|model → that user's cost over time. */
export const GET = route("admin", async (request, { params }): Promise<UsageTimeseries> => {
  const subject = await requireSubjectUser(params.id);
  const query = parseDashboardQuery(request, groupByParam(GROUP_BY));
  const range = resolveRange(query, subject.timeZone);
  return getUsageTimeseries({ subject: { userId: subject.userId }, range, groupBy: query.groupBy });
});
