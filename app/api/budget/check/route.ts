import { tokenRoute } from "@/lib/track/api-route";
import { budgetCheck, checkQuerySchema } from "@/lib/track/check";
import { parseQuery } from "@/lib/validation/query";

/** GET /api/budget/check?model=&estimated_tokens=: whether a call fits the caller's budgets now (session or any API token). */
export const GET = tokenRoute({ scopes: ["track", "gateway", "read"], session: true }, async (request, { user, token }) =>
  budgetCheck(user, parseQuery(request, checkQuerySchema), token),
);
