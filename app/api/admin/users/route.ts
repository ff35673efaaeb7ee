import { z } from "zod";
import { listUsers } from "@/db/queries/users";
import { route } from "@/lib/http/route";

const querySchema = z.object({
  search: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Admins only: every user, searchable by email or name, paginated. */
export const GET = route("admin", async (request) => {
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { rows, total } = await listUsers({
    search: query.search || undefined,
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
  });
  return { users: rows, total, page: query.page, pageSize: query.pageSize };
});
