import { dashboardRoute } from "@/lib/dashboard/routes";

/** GET /api/usage/skills?range… → the signed-in user's skills: uses, measured uses, cost, average per use, main model. */
export const GET = dashboardRoute("me", "skills");
