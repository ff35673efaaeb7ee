import type { UsageSummary } from "@/lib/dashboard/contract";
import { getUsageSummary, parseDashboardQuery, requireSubjectUser } from "@/lib/dashboard/queries";
import { resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/users/:id/usage/summary?range… → that user's summary, in their time zone (404 for an unknown id). */
export const GET = route("admin", async (request, { params }): Promise<UsageSummary> => {
  const subject = await requireSubjectUser(params.id);
  const query = parseDashboardQuery(request, {});
  const range = resolveRange(query, subject.timeZone);
  return getUsageSummary({ subject: { userId: subject.userId }, range });
});
