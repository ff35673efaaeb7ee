import { BREAKDOWN_BY, type UsageBreakdown } from "@/lib/dashboard/contract";
import { breakdownByParam, getUsageBreakdown, parseDashboardQuery, requireSubjectUser } from "@/lib/dashboard/queries";
import { resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/users/:id/usage/breakdown?range…&by=model|provider|feature|assistant → that user's totals per key. */
export const GET = route("admin", async (request, { params }): Promise<UsageBreakdown> => {
  const subject = await requireSubjectUser(params.id);
  const query = parseDashboardQuery(request, breakdownByParam(BREAKDOWN_BY));
  const range = resolveRange(query, subject.timeZone);
  return getUsageBreakdown({ subject: { userId: subject.userId }, range, by: query.by });
});
