import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/usage/unpriced?range… → models and bill lines used without a price, organisation-wide. Admins only. */
export const GET = dashboardRoute("org", "unpriced");
