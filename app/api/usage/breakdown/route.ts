import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/usage/breakdown?range…&by=model|provider|feature|assistant|source → the signed-in user's totals per key. */
export const GET = dashboardRoute("me", "breakdown");
