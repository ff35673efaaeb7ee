import { methodAnswers } from "@/lib/http/api-routes";
import { anthropicMessages } from "@/lib/gateway/anthropic-messages";

/** POST /api/anthropic/v1/messages — Anthropic-compatible, metered (API token in x-api-key or Authorization). */
export const POST = anthropicMessages;

/** The proxy does not run for this path (proxy.ts): the answers it would give for the other methods. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
