import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/users/:id/usage/timeseries?range…&groupBy=none|provider|model → that user's cost over time. */
export const GET = dashboardRoute("user", "timeseries");
