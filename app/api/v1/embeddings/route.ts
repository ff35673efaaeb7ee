import { openAIEmbeddings } from "@/lib/gateway/openai-embeddings";

/** POST /api/v1/embeddings — OpenAI-compatible embeddings, metered (API token with the `gateway` scope). */
export const POST = openAIEmbeddings;
