import type { AdminUserPage } from "@/lib/dashboard/contract";
import { adminUserParams, getAdminUserPage, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/**
 * GET /api/admin/users?range…&q=&sort=spend|budget|pct|requests|last_active|email&dir=asc|desc&page=&pageSize=1..100
 * → AdminUserPage: every user (searchable by email or name) with their spend in the range. Admins only.
 */
export const GET = route("admin", async (request, { user }): Promise<AdminUserPage> => {
  const query = parseDashboardQuery(request, adminUserParams);
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getAdminUserPage({ range, q: query.q, sort: query.sort, dir: query.dir, page: query.page, pageSize: query.pageSize });
});
