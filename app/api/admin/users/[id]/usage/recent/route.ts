import type { RecentPage } from "@/lib/dashboard/contract";
import { getRecentUsage, parseDashboardQuery, recentParams, requireSubjectUser } from "@/lib/dashboard/queries";
import { resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/users/:id/usage/recent?range…&cursor=&limit=1..100 → that user's model calls, newest first. */
export const GET = route("admin", async (request, { params }): Promise<RecentPage> => {
  const subject = await requireSubjectUser(params.id);
  const query = parseDashboardQuery(request, recentParams);
  const range = resolveRange(query, subject.timeZone);
  return getRecentUsage({ userId: subject.userId, range, limit: query.limit, cursor: query.cursor });
});
