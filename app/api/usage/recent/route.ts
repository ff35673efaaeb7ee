import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/usage/recent?range…&cursor=&limit=1..100 → the signed-in user's model calls, newest first. */
export const GET = dashboardRoute("me", "recent");
