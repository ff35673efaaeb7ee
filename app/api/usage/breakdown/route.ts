import { BREAKDOWN_BY, type UsageBreakdown } from "@/lib/dashboard/contract";
import { breakdownByParam, getUsageBreakdown, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/usage/breakdown?range…&by=model|provider|feature|assistant → the signed-in user's totals per key. */
export const GET = route("user", async (request, { user }): Promise<UsageBreakdown> => {
  const query = parseDashboardQuery(request, breakdownByParam(BREAKDOWN_BY));
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUsageBreakdown({ subject: { userId: user.id }, range, by: query.by });
});
