import { anthropicMessages } from "@/lib/gateway/anthropic-messages";

/** POST /api/anthropic/v1/messages — Anthropic-compatible, metered (API token in x-api-key or Authorization). */
export const POST = anthropicMessages;
