import type { UsageSummary } from "@/lib/dashboard/contract";
import { getUsageSummary, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/usage/summary?range… → the organisation's totals (days in the admin's time zone). Admins only. */
export const GET = route("admin", async (request, { user }): Promise<UsageSummary> => {
  const query = parseDashboardQuery(request, {});
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUsageSummary({ subject: { org: true }, range });
});
