import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/admin/users/:id/usage/skills?range… → one user's skills (admins only; the user's time zone). */
export const GET = dashboardRoute("user", "skills");
