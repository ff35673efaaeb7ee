import type { UsageSummary } from "@/lib/dashboard/contract";
import { getUsageSummary, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/usage/summary?range… → the signed-in user's totals and budget progress (a userId parameter is ignored). */
export const GET = route("user", async (request, { user }): Promise<UsageSummary> => {
  const query = parseDashboardQuery(request, {});
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUsageSummary({ subject: { userId: user.id }, range });
});
