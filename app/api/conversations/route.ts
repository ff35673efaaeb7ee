import { conversationPage, conversationPageQuery } from "@/lib/chat/conversations";
import { validationError } from "@/lib/errors";
import { route } from "@/lib/http/route";

/** The signed-in user's conversations, newest first, a page at a time. */
export const GET = route("user", async (request, { user }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = conversationPageQuery.safeParse(params);
  if (!query.success) throw validationError(query.error);
  return conversationPage(user.id, query.data);
});
