import type { UnpricedField, UnpricedModel } from "@/lib/dashboard/contract";
import { getUnpricedModels, parseDashboardQuery } from "@/lib/dashboard/queries";
import { effectiveTimeZone, resolveRange } from "@/lib/dashboard/range";
import { route } from "@/lib/http/route";

/** GET /api/admin/usage/unpriced?range… → models used without a price, organisation-wide. Admins only. */
export const GET = route("admin", async (request, { user }): Promise<{ models: UnpricedModel[]; fields: UnpricedField[] }> => {
  const query = parseDashboardQuery(request, {});
  const range = resolveRange(query, effectiveTimeZone(user.timeZone));
  return getUnpricedModels({ range });
});
