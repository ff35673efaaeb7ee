import { openAIChatCompletions } from "@/lib/gateway/openai-chat";

/** POST /api/v1/chat/completions — OpenAI-compatible, metered (API token with the `gateway` scope). */
export const POST = openAIChatCompletions;
