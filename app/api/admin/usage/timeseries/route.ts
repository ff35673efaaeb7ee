import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/usage/timeseries?range…&groupBy=none|provider|model|user → the organisation's cost over time. Admins only. */
export const GET = dashboardRoute("org", "timeseries");
