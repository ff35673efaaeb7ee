import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/users/:id/usage/recent?range…&cursor=&limit=1..100 → that user's model calls, newest first. */
export const GET = dashboardRoute("user", "recent");
