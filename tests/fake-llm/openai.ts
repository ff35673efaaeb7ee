import type { ServerResponse } from "node:http";
import { chunkText, fakeTokenCount, parseScript, type Script } from "./script";
import { sendJson, sleep, startSse, type FakeRequest } from "./http";

/** OpenAI's wire format: chat completions (streaming and not) and the model list. */

export const OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini"];

interface ChatMessage {
  role: string;
  content: string | { type: string; text?: string }[] | null;
}

function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? "").join("");
  return "";
}

function usageFor(messages: ChatMessage[], reply: string, script: Script) {
  const prompt = script.usage?.prompt ?? fakeTokenCount(messages.map((m) => textOf(m.content)).join("\n"));
  const completion = script.usage?.completion ?? fakeTokenCount(reply);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: script.usage?.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: script.usage?.reasoning ?? 0, audio_tokens: 0 },
  };
}

export function openAIError(res: ServerResponse, status: number, message: string, type = "invalid_request_error") {
  const code = status === 401 ? "invalid_api_key" : status === 429 ? "rate_limit_exceeded" : null;
  sendJson(res, status, { error: { message, type, param: null, code } });
}

export async function handleOpenAI(req: FakeRequest, res: ServerResponse): Promise<void> {
  if (req.method === "GET" && req.path === "/models") {
    sendJson(res, 200, {
      object: "list",
      data: OPENAI_MODELS.map((id) => ({ id, object: "model", created: 1_715_367_049, owned_by: "system" })),
    });
    return;
  }
  if (req.method !== "POST" || req.path !== "/chat/completions") {
    openAIError(res, 404, `Unknown request URL: ${req.method} ${req.path}.`);
    return;
  }
  const body = req.json as { model?: unknown; messages?: unknown; stream?: unknown; stream_options?: { include_usage?: boolean } };
  if (!body || typeof body.model !== "string" || !Array.isArray(body.messages) || body.messages.length === 0) {
    openAIError(res, 400, "The request needs a model and at least one message.");
    return;
  }
  const messages = body.messages as ChatMessage[];
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const script = parseScript(textOf(lastUser?.content ?? ""));
  if (script.status && script.status >= 400) {
    openAIError(res, script.status, `Fake upstream error ${script.status}.`, script.status >= 500 ? "server_error" : "requests");
    return;
  }
  const id = `chatcmpl-fake${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = usageFor(messages, script.reply, script);

  if (body.stream !== true) {
    sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content: script.reply, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage,
      system_fingerprint: "fp_fake",
    });
    return;
  }

  const includeUsage = body.stream_options?.include_usage === true;
  const sse = startSse(res);
  const chunk = (delta: object, finishReason: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: body.model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  sse.data(chunk({ role: "assistant", content: "", refusal: null }, null));
  const pieces = chunkText(script.reply);
  for (const [index, piece] of pieces.entries()) {
    if (script.cutAfter !== undefined && index >= script.cutAfter) {
      sse.cut();
      return;
    }
    if (script.delayMs) await sleep(script.delayMs);
    if (sse.closed()) return;
    sse.data(chunk({ content: piece }, null));
  }
  sse.data(chunk({}, "stop"));
  if (includeUsage) {
    sse.data({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: "fp_fake", choices: [], usage });
  }
  sse.raw("data: [DONE]\n\n");
  sse.end();
}
