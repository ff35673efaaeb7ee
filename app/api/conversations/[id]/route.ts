import { deleteConversation, updateConversation } from "@/db/queries/conversations";
import { conversationDetail, renameSchema, requireOwnConversation, toSummary } from "@/lib/chat/conversations";
import { AppError, validationError } from "@/lib/errors";
import { route } from "@/lib/http/route";

const idOf = (params: Record<string, unknown>) => String(params.id ?? "");

export const GET = route("user", async (_request, { user, params }) => conversationDetail(user.id, idOf(params)));

export const PATCH = route("user", async (request, { user, params }) => {
  const conversation = await requireOwnConversation(user.id, idOf(params));
  const body = renameSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) throw validationError(body.error);
  const updated = await updateConversation({ id: conversation.id, userId: user.id, values: { title: body.data.title } });
  if (!updated) throw new AppError("conversation_not_found");
  return toSummary(updated);
});

export const DELETE = route("user", async (_request, { user, params }) => {
  const conversation = await requireOwnConversation(user.id, idOf(params));
  await deleteConversation({ id: conversation.id, userId: user.id });
  return new Response(null, { status: 204 });
});
