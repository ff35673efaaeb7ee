import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/usage/export?range… → every usage event of the signed-in user in the range, as a streamed CSV download. */
export const GET = dashboardRoute("me", "export");
