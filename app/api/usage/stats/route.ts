import { tokenRoute } from "@/lib/track/api-route";
import { statsQuerySchema, usageStats } from "@/lib/track/stats";
import { parseQuery } from "@/lib/validation/query";

/** GET /api/usage/stats?period=today|week|month: the caller's usage by feature, source and skill (session or a `read` token). */
export const GET = tokenRoute({ scopes: ["read"], session: true }, async (request, { user }) =>
  usageStats(user, parseQuery(request, statsQuerySchema).period),
);
