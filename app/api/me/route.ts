import { route } from "@/lib/http/route";

/** The signed-in user's own profile (no secrets). */
export const GET = route("user", async (_request, { user }) => ({
  user: { id: user.id, email: user.email, name: user.name, role: user.role, timeZone: user.timeZone },
}));
