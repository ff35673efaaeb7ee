import { ADMIN_BREAKDOWN_BY, type UsageBreakdown } from "@/lib/dashboard/contract";
import { breakdownByParam, getUsageBreakdown, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/usage/breakdown?range…&by=model|provider|feature|assistant|user → the organisation's totals per key. Admins only. */
export const GET = route("admin", async (request, { user }): Promise<UsageBreakdown> => {
  const query = parseDashboardQuery(request, breakdownByParam(ADMIN_BREAKDOWN_BY));
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUsageBreakdown({ subject: { org: true }, range, by: query.by });
});
