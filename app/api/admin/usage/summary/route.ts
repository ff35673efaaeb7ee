import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/usage/summary?range… → the organisation's totals (days in the admin's time zone). Admins only. */
export const GET = dashboardRoute("org", "summary");
