import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/usage/timeseries?range…&groupBy=none|provider|model → the signed-in user's cost by hour (today) or day. */
export const GET = dashboardRoute("me", "timeseries");
