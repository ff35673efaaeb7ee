import { conversationPage, conversationPageQuery } from "@/lib/chat/conversations";
import { route } from "@/lib/http/route";
import { parseQuery } from "@/lib/validation/query";

/** The signed-in user's conversations, newest first, a page at a time. */
export const GET = route("user", async (request, { user }) => conversationPage(user.id, parseQuery(request, conversationPageQuery)));
