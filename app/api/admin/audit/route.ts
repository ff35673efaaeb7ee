import { z } from "zod";
import { getAuditPage } from "@/lib/audit/audit-log";
import type { AuditPage } from "@/lib/dashboard/contract";
import { route } from "@/lib/http/route";
import { cursorParam } from "@/lib/validation/cursor";
import { parseQuery } from "@/lib/validation/query";

const querySchema = z.object({
  cursor: cursorParam.optional(),
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be a whole number").min(1, "limit must be at least 1").max(100, "limit must be at most 100").default(50),
});

/** GET /api/admin/audit?cursor=&limit=1..100 → AuditPage, newest first. Admins only. An empty `?cursor=` is "not given". */
export const GET = route("admin", async (request): Promise<AuditPage> => {
  const query = parseQuery(request, querySchema);
  return getAuditPage({ limit: query.limit, cursor: query.cursor });
});
