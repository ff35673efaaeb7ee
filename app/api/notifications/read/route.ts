import { z } from "zod";
import { markAllNotificationsRead, markNotificationRead } from "@/db/queries/notifications";
import { AppError, validationError } from "@/lib/errors";
import { route } from "@/lib/http/route";

// Strict: a misspelt field ({ ids: […] }) must not fall through to "mark everything read".
const bodySchema = z.strictObject({ id: z.uuid({ error: "id must be a notification id (a UUID)." }).optional() });

/** POST /api/notifications/read `{ id }` marks one of the user's notifications read; `{}` (or no body) marks all. */
export const POST = route("user", async (request, { user }) => {
  const text = await request.text();
  let json: unknown = {};
  if (text.trim()) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("bad_request", "Send a JSON body: { \"id\": \"…\" }, or {} to mark all read.");
    }
  }
  const body = bodySchema.safeParse(json);
  if (!body.success) throw validationError(body.error);
  if (body.data.id === undefined) {
    await markAllNotificationsRead({ userId: user.id });
  } else if (!(await markNotificationRead({ id: body.data.id, userId: user.id }))) {
    // Unknown or someone else's: the same answer, so ids do not leak.
    throw new AppError("not_found", "That notification does not exist.");
  }
  return { ok: true as const };
});
