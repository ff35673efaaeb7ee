import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/usage/summary?range… → the signed-in user's totals and budget progress (a userId parameter is ignored). */
export const GET = dashboardRoute("me", "summary");
