import { methodAnswers } from "@/lib/http/api-routes";
import { anthropicCountTokens } from "@/lib/gateway/anthropic-messages";

/** POST /api/anthropic/v1/messages/count_tokens — Anthropic's token count with the user's key (not metered). */
export const POST = anthropicCountTokens;

/** The proxy does not run for this path (proxy.ts): the answers it would give for the other methods. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
