import type { ServerResponse } from "node:http";
import { bearer, sendJson, type FakeProvider, type FakeRequest } from "./http";
import { handleChatCompletions, sendModelList, type ChatFlavour } from "./openai";
import type { TokenUsage } from "./script";

/**
 * An OpenAI-compatible local server at `${url}/compat/v1`, shaped like Ollama's OpenAI compatibility layer:
 * POST /chat/completions and GET /models, any key or none at all (Ollama ignores keys). Usage is plain
 * prompt/completion/total, as Ollama reports it; `prompt_tokens_details` / `completion_tokens_details` only appear
 * when cached or reasoning tokens were scripted (as servers such as vLLM report them). Errors are OpenAI-shaped
 * with `type: "api_error"` / `"invalid_request_error"` and `code: null`, as Ollama answers.
 */

export const COMPAT_MODELS = ["llama3.2:latest", "qwen2.5:7b", "qwen2.5-coder:7b"];

export function compatError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: status >= 500 ? "api_error" : "invalid_request_error", param: null, code: null } });
}

export function compatUsage(u: TokenUsage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    ...(u.cacheRead ? { prompt_tokens_details: { cached_tokens: u.cacheRead } } : {}),
    ...(u.reasoning ? { completion_tokens_details: { reasoning_tokens: u.reasoning } } : {}),
  };
}

const COMPAT_FLAVOUR: ChatFlavour = {
  idPrefix: "chatcmpl-",
  error: compatError,
  usage: compatUsage,
  systemFingerprint: "fp_ollama",
  reasoningField: "reasoning_content",
};

async function handleCompat(req: FakeRequest, res: ServerResponse): Promise<void> {
  const route = `${req.method} ${req.path}`;
  if (route === "GET /models") return sendModelList(res, COMPAT_MODELS, "library");
  if (route === "POST /chat/completions") return handleChatCompletions(req, res, COMPAT_FLAVOUR);
  compatError(res, 404, "404 page not found");
}

export const compatProvider: FakeProvider = {
  version: "v1",
  key: (req) => bearer(req.headers.authorization),
  accepts: () => true,
  unauthorized: (res) => compatError(res, 401, "unauthorized"),
  error: compatError,
  handle: handleCompat,
};
