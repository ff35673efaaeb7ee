import { chatRequestSchema } from "@/lib/chat/contract";
import { runChatTurn } from "@/lib/chat/run-chat";
import { AppError, validationError } from "@/lib/errors";
import { route } from "@/lib/http/route";

/** Whole request bodies above this are refused before parsing (a message is at most 32,000 characters). */
const MAX_BODY_BYTES = 512 * 1024;

export const POST = route("user", async (request, { user }) => {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new AppError("payload_too_large", "The message is too large to send.");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", "The message is too large to send.");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body must be JSON.");
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  return runChatTurn(user, parsed.data, request.signal);
});
