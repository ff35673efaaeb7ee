import { exportUsageCsv, parseDashboardQuery, requireSubjectUser } from "@/lib/dashboard/queries";
import { resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/users/:id/usage/export?range… → every usage event of that user in the range, as a streamed CSV. */
export const GET = route("admin", async (request, { params }) => {
  const subject = await requireSubjectUser(params.id);
  const query = parseDashboardQuery(request, {});
  const range = resolveRange(query, subject.timeZone);
  return exportUsageCsv({ userId: subject.userId, range });
});
