import { skillsRoute } from "@/lib/dashboard/skills-route";

/** GET /api/admin/users/:id/usage/skills?range… → one user's skills (admins only; the user's time zone). */
export const GET = skillsRoute("user");
