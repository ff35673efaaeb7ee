import { methodAnswers } from "@/lib/http/api-routes";
import { openAIChatCompletions } from "@/lib/gateway/openai-chat";

/** POST /api/v1/chat/completions — OpenAI-compatible, metered (API token with the `gateway` scope). */
export const POST = openAIChatCompletions;

/** The proxy does not run for this path (proxy.ts): the answers it would give for the other methods. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
