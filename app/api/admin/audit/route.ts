import { z } from "zod";
import type { AuditPage } from "@/lib/dashboard/contract";
import { AUDIT_CURSOR_MESSAGE, getAuditPage, isAuditCursor } from "@/lib/audit/audit-log";
import { route } from "@/lib/http/route";

const querySchema = z.object({
  cursor: z.string().refine(isAuditCursor, AUDIT_CURSOR_MESSAGE).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** GET /api/admin/audit?cursor=&limit=1..100 → AuditPage, newest first. Admins only. */
export const GET = route("admin", async (request): Promise<AuditPage> => {
  // An empty parameter (`?cursor=`) means "not given".
  const params = [...new URL(request.url).searchParams].filter(([, value]) => value !== "");
  const query = querySchema.parse(Object.fromEntries(params));
  return getAuditPage({ limit: query.limit, cursor: query.cursor });
});
