import type { AdminUserPage } from "@/lib/dashboard/contract";
import { adminUserParams, parseDashboardQuery } from "@/lib/dashboard/params";
import { effectiveTimeZone } from "@/lib/dashboard/range";
import { getAdminUserPage, orgRange } from "@/lib/dashboard/reports";
import { route } from "@/lib/http/route";

/**
 * GET /api/admin/users?range…&q=&sort=spend|budget|pct|requests|last_active|email&dir=asc|desc&page=&pageSize=1..100
 * → AdminUserPage: every user (searchable by email or name) with their spend in the range — each user's own days, in
 * their time zone, as their dashboard counts them. Admins only.
 */
export const GET = route("admin", async (request, { user }): Promise<AdminUserPage> => {
  const query = parseDashboardQuery(request, adminUserParams);
  const { range, zones } = await orgRange(query, effectiveTimeZone(user.timeZone));
  return getAdminUserPage({ range, zones, q: query.q, sort: query.sort, dir: query.dir, page: query.page, pageSize: query.pageSize });
});
