import { methodAnswers } from "@/lib/http/api-routes";
import { openAIEmbeddings } from "@/lib/gateway/openai-embeddings";

/** POST /api/v1/embeddings — OpenAI-compatible embeddings, metered (API token with the `gateway` scope). */
export const POST = openAIEmbeddings;

/** The proxy does not run for this path (proxy.ts): the answers it would give for the other methods. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = methodAnswers();
