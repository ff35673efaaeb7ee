import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/users/:id/usage/export?range… → every usage event of that user in the range, as a streamed CSV. */
export const GET = dashboardRoute("user", "export");
