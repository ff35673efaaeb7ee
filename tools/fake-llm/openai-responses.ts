import type { ServerResponse } from "node:http";
import { declaredToolNames, sendJson, startSse, streamPieces, streamReply, type FakeRequest } from "./http";
import { contentText, openAIError } from "./openai";
import { capOutput, chunkArguments, countResultRounds, dueToolCalls, fakeId, parseScript, resolveUsage, toolCallsText, withRawUsage, type TokenUsage } from "./script";

/**
 * OpenAI's Responses API at `${url}/openai/v1/responses` (what `createOpenAI(...)(model)` calls): a `response`
 * object, or a stream of typed events — response.created, response.in_progress, response.output_item.added,
 * response.content_part.added, response.output_text.delta…, response.output_text.done, response.content_part.done,
 * response.output_item.done, response.completed — each as `event: <type>` + `data: {type, sequence_number, …}`.
 * Only text output is produced (no reasoning items, even when reasoning tokens are reported in the usage), or, for
 * `[[tool:…]]` directives, `function_call` items (streamed as response.output_item.added,
 * response.function_call_arguments.delta…, response.function_call_arguments.done, response.output_item.done).
 * Tool results come back as `function_call_output` input items (`output`: a string or `input_text` parts).
 */

interface InputItem {
  type?: unknown;
  role?: unknown;
  content?: unknown;
  /** `function_call_output` items: the tool's result. */
  output?: unknown;
}

interface ResponsesBody {
  model?: unknown;
  input?: unknown;
  instructions?: unknown;
  stream?: unknown;
  max_output_tokens?: unknown;
  store?: unknown;
  temperature?: unknown;
  top_p?: unknown;
  tools?: unknown;
}

/** The Responses usage object. `cache_write_tokens` only appears when a cache write was scripted. */
export function responsesUsage(u: TokenUsage) {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead, ...(u.cacheWrite ? { cache_write_tokens: u.cacheWrite } : {}) },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

export async function handleOpenAIResponses(req: FakeRequest, res: ServerResponse): Promise<void> {
  const body = req.json as ResponsesBody | undefined;
  if (!body || typeof body !== "object" || typeof body.model !== "string") {
    openAIError(res, 400, "Missing required parameter: 'model'.", "invalid_request_error", "missing_required_parameter");
    return;
  }
  const items: InputItem[] =
    typeof body.input === "string"
      ? [{ role: "user", content: body.input }]
      : Array.isArray(body.input)
        ? (body.input as unknown[]).filter((item): item is InputItem => Boolean(item) && typeof item === "object")
        : [];
  if (items.length === 0) {
    openAIError(res, 400, "Missing required parameter: 'input'.", "invalid_request_error", "missing_required_parameter");
    return;
  }
  const promptIndex = items.findLastIndex((item) => item.role === "user");
  const sincePrompt = items.slice(promptIndex + 1);
  const isResult = (item: InputItem) => item.type === "function_call_output";
  const toolResults = sincePrompt.filter(isResult).map((item) => contentText(item.output));
  const script = capOutput(parseScript(contentText(items[promptIndex]?.content), toolResults), (body as Record<string, unknown>).max_output_tokens);
  if (script.status && script.status >= 400) {
    openAIError(res, script.status, `Fake upstream error ${script.status}.`);
    return;
  }
  const calls = dueToolCalls(script, countResultRounds(sincePrompt.map(isResult)), declaredToolNames(body)).map((call) => ({
    ...call,
    itemId: `fc_${fakeId()}`,
    callId: `call_${fakeId()}`,
  }));
  const model = body.model;
  const promptText = [
    typeof body.instructions === "string" ? body.instructions : "",
    ...items.map((item) => contentText(isResult(item) ? item.output : item.content)),
  ].join("\n");
  const resolved = resolveUsage(script, promptText, calls.length > 0 ? toolCallsText(calls) : script.reply);
  const usage = withRawUsage(responsesUsage(resolved), script);
  // Web searches the model ran before its text answer: `web_search_call` output items ahead of the message.
  const searches = Array.from({ length: calls.length > 0 ? 0 : resolved.webSearch }, (_, i) => ({
    id: `ws_${fakeId()}`,
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: `fake query ${i + 1}` },
  }));
  const responseId = `resp_${fakeId()}`;
  const messageId = `msg_${fakeId()}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const textPart = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });
  const message = (status: "in_progress" | "completed", content: object[]) => ({ id: messageId, type: "message", status, content, role: "assistant" });
  const functionCall = (call: (typeof calls)[number], status: "in_progress" | "completed", args: string) => ({
    id: call.itemId,
    type: "function_call",
    status,
    arguments: args,
    call_id: call.callId,
    name: call.name,
  });
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const response = (status: "in_progress" | "completed", output: object[], finalUsage: object | null) => ({
    id: responseId,
    object: "response",
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === "string" ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === "number" ? body.max_output_tokens : null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: body.store !== false,
    temperature: typeof body.temperature === "number" ? body.temperature : 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools,
    top_p: typeof body.top_p === "number" ? body.top_p : 1,
    truncation: "disabled",
    usage: finalUsage,
    user: null,
    metadata: {},
  });

  if (calls.length > 0) {
    const done = calls.map((call) => functionCall(call, "completed", call.arguments));
    if (body.stream !== true) {
      sendJson(res, 200, response("completed", done, usage));
      return;
    }
    const sse = startSse(res);
    let sequence = 0;
    const event = (type: string, payload: object) => sse.data({ type, sequence_number: sequence++, ...payload }, type);
    event("response.created", { response: response("in_progress", [], null) });
    event("response.in_progress", { response: response("in_progress", [], null) });
    // The argument deltas are the pieces `delay` and `cut-after` apply to; each call's first piece opens its item,
    // its last one closes it.
    const pieces = calls.flatMap((call, index) =>
      chunkArguments(call.arguments).map((delta, n, all) => ({ call, index, delta, first: n === 0, last: n === all.length - 1 })),
    );
    const sent = await streamPieces(sse, script, pieces, ({ call, index, delta, first, last }) => {
      const where = { item_id: call.itemId, output_index: index };
      if (first) event("response.output_item.added", { output_index: index, item: functionCall(call, "in_progress", "") });
      event("response.function_call_arguments.delta", { ...where, delta });
      if (last) {
        event("response.function_call_arguments.done", { ...where, arguments: call.arguments });
        event("response.output_item.done", { output_index: index, item: done[index] });
      }
    });
    if (!sent) return;
    event("response.completed", { response: response("completed", done, usage) });
    sse.end();
    return;
  }

  if (body.stream !== true) {
    sendJson(res, 200, response("completed", [...searches, message("completed", [textPart(script.reply)])], usage));
    return;
  }

  const sse = startSse(res);
  let sequence = 0;
  const event = (type: string, payload: object) => sse.data({ type, sequence_number: sequence++, ...payload }, type);
  const where = { item_id: messageId, output_index: searches.length, content_index: 0 };
  event("response.created", { response: response("in_progress", [], null) });
  event("response.in_progress", { response: response("in_progress", [], null) });
  for (const [index, search] of searches.entries()) {
    event("response.output_item.added", { output_index: index, item: { ...search, status: "in_progress", action: undefined } });
    event("response.output_item.done", { output_index: index, item: search });
  }
  event("response.output_item.added", { output_index: searches.length, item: message("in_progress", []) });
  event("response.content_part.added", { ...where, part: textPart("") });
  const sent = await streamReply(sse, script, (piece) => event("response.output_text.delta", { ...where, delta: piece, logprobs: [] }));
  if (!sent) return;
  event("response.output_text.done", { ...where, text: script.reply, logprobs: [] });
  event("response.content_part.done", { ...where, part: textPart(script.reply) });
  const done = message("completed", [textPart(script.reply)]);
  event("response.output_item.done", { output_index: searches.length, item: done });
  event("response.completed", { response: response("completed", [...searches, done], usage) });
  sse.end();
}
