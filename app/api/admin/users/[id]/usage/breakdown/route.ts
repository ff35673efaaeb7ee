import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/users/:id/usage/breakdown?range…&by=model|provider|feature|assistant|source → that user's totals per key. */
export const GET = dashboardRoute("user", "breakdown");
