import { exportUsageCsv, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/usage/export?range… → every usage event of the signed-in user in the range, as a streamed CSV download. */
export const GET = route("user", async (request, { user }) => {
  const query = parseDashboardQuery(request, {});
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return exportUsageCsv({ userId: user.id, range });
});
