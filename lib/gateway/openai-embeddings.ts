import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { estimateTokens } from "@/lib/usage/tokens";
import { authenticateGateway, readGatewayBody, startGatewayCall } from "./caller";
import { gatewayError } from "./errors";
import { answered, forward } from "./forward";

/**
 * `POST /api/v1/embeddings`: OpenAI's embeddings API in front of the user's OpenAI, OpenRouter and OpenAI-compatible
 * keys. The input's cost is reserved before the call (an embedding has no output), the answer passes through as it
 * came, and the provider's `usage.prompt_tokens` is the event's input.
 */

const bodySchema = z.looseObject({
  model: z.string().min(1, "Name a model (e.g. openai:text-embedding-3-small).").max(300),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)], {
    error: "input must be a string, an array of strings, or token arrays.",
  }),
});

function inputTokens(input: z.output<typeof bodySchema>["input"]): number {
  if (typeof input === "string") return estimateTokens(input);
  return (input as unknown[]).reduce<number>((sum, item) => sum + (typeof item === "string" ? estimateTokens(item) : Array.isArray(item) ? item.length : 1), 0);
}

export async function openAIEmbeddings(request: Request): Promise<Response> {
  try {
    const auth = await authenticateGateway(request);
    const body = await readGatewayBody(request, bodySchema);
    const { resolved, call } = await startGatewayCall(auth, request, body.model, ["openai", "openrouter", "openai-compatible"]);
    if (!resolved.upstream) throw new AppError("unknown_model", "That model cannot be called through the gateway.");
    // One token of output room: embeddings produce none (and are priced at $0 output).
    const step = await call.startStep({ promptTokens: inputTokens(body.input), maxOutputTokens: 1 });
    const forwarded = await forward({
      call,
      step,
      signal: request.signal,
      url: `${resolved.upstream.baseUrl}/embeddings`,
      headers: { "content-type": "application/json", ...(resolved.upstream.apiKey ? { authorization: `Bearer ${resolved.upstream.apiKey}` } : {}) },
      body: { ...body, model: resolved.modelId },
      apiKey: resolved.upstream.apiKey,
    });
    if (forwarded.kind === "refused") return forwarded.response;
    return await answered(call, step, forwarded, (json) => {
      const usage = (json as { usage?: Record<string, unknown> }).usage;
      const prompt = typeof usage?.prompt_tokens === "number" ? usage.prompt_tokens : undefined;
      return prompt === undefined ? {} : { usage: { inputTokens: { total: prompt }, outputTokens: { total: 0 }, raw: usage } };
    });
  } catch (error) {
    return gatewayError("openai", error, request);
  }
}
