import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/users/:id/usage/summary?range… → that user's summary, in their time zone (404 for an unknown id). */
export const GET = dashboardRoute("user", "summary");
