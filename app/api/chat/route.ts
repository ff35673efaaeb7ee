import { chatRequestSchema } from "@/lib/chat/contract";
import { runChatTurn } from "@/lib/chat/run-chat";
import { methodAnswers } from "@/lib/http/api-routes";
import { route } from "@/lib/http/route";
import { markTiming } from "@/lib/http/server-timing";
import { parseJsonBody } from "@/lib/validation/body";

/** Whole request bodies above this are refused before parsing (a message is at most 32,000 characters). */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * POST /api/chat — one chat turn, streamed (lib/chat/run-chat.ts). The session is checked in the database while the
 * turn's reads run; the proxy does not run for this path (proxy.ts).
 */
export const POST = route("session", async (request, { user }) => {
  const body = await parseJsonBody(request, chatRequestSchema, {
    maxBytes: MAX_BODY_BYTES,
    tooLargeMessage: "The message is too large to send (at most 512 KB).",
  });
  markTiming("body");
  return runChatTurn(user, body, request.signal);
});

/** The answers the proxy would give for the other methods. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
