import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/usage/breakdown?range…&by=model|provider|feature|assistant|user|source → the organisation's totals per key. Admins only. */
export const GET = dashboardRoute("org", "breakdown");
