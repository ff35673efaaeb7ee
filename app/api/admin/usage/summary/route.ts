import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/usage/summary?range… → the organisation's totals (each user over their own days, in their time zone). Admins only. */
export const GET = dashboardRoute("org", "summary");
