import { listAssistantViews } from "@/lib/assistants/assistants";
import type { AssistantView } from "@/lib/chat/contract";
import { route } from "@/lib/http/route";

/** The signed-in user's assistants by name (for the chat's assistant picker). */
export const GET = route("user", async (_request, { user }): Promise<{ assistants: AssistantView[] }> => ({
  assistants: await listAssistantViews(user.id),
}));
