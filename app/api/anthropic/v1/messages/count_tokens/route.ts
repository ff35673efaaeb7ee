import { anthropicCountTokens } from "@/lib/gateway/anthropic-messages";

/** POST /api/anthropic/v1/messages/count_tokens — Anthropic's token count with the user's key (not metered). */
export const POST = anthropicCountTokens;
