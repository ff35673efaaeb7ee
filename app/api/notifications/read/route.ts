import { z } from "zod";
import { markAllNotificationsRead, markNotificationRead } from "@/db/queries/notifications";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { parseJsonBody } from "@/lib/validation/body";
import { uuid } from "@/lib/validation/id";

// Strict: a misspelt field ({ ids: […] }) must not fall through to "mark everything read".
const bodySchema = z.strictObject({ id: uuid("id must be a notification id (a UUID).").optional() });

/** POST /api/notifications/read `{ id }` marks one of the user's notifications read; `{}` (or no body) marks all. */
export const POST = route("user", async (request, { user }) => {
  const body = await parseJsonBody(request, bodySchema, { whenEmpty: {}, maxBytes: 16 * 1024 });
  if (body.id === undefined) {
    await markAllNotificationsRead({ userId: user.id });
  } else if (!(await markNotificationRead({ id: body.id, userId: user.id }))) {
    // Unknown or someone else's: the same answer, so ids do not leak.
    throw new AppError("not_found", "That notification does not exist.");
  }
  return { ok: true as const };
});
