import { deleteConversation, updateConversation } from "@/db/queries/conversations";
import { conversationDetail, renameSchema, requireOwnConversation, toSummary } from "@/lib/chat/conversations";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { parseJsonBody } from "@/lib/validation/body";

// A malformed id is "not found" like someone else's: requireOwnConversation checks it (lib/validation/id.ts).

export const GET = route("user", async (_request, { user, params }) => conversationDetail(user.id, params.id));

export const PATCH = route("user", async (request, { user, params }) => {
  const conversation = await requireOwnConversation(user.id, params.id);
  const body = await parseJsonBody(request, renameSchema);
  const updated = await updateConversation({ id: conversation.id, userId: user.id, values: { title: body.title } });
  if (!updated) throw new AppError("conversation_not_found");
  return toSummary(updated);
});

export const DELETE = route("user", async (_request, { user, params }) => {
  const conversation = await requireOwnConversation(user.id, params.id);
  await deleteConversation({ id: conversation.id, userId: user.id });
  return new Response(null, { status: 204 });
});
