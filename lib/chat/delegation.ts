import "server-only";
import { generateText, tool, type ToolSet } from "ai";
import { z } from "zod";
import type { Assistant } from "@/db/schema";
import { resolveModelFrom, type ModelSources } from "@/lib/providers/resolve-model";
import type { MeteredCall } from "@/lib/usage/metered-call";
import { meteredModel } from "@/lib/usage/model-middleware";
import { toChatError } from "./upstream-errors";

export const DELEGATE_MAX_OUTPUT_TOKENS = 2048;

/** "Research Bot" → "ask_research_bot" (tool names allow [a-zA-Z0-9_-], at most 64 characters). */
export function delegateToolName(name: string, taken: Set<string>): string {
  const base = `ask_${name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "assistant"}`.slice(0, 60);
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base.slice(0, 56)}_${i}`;
  taken.add(candidate);
  return candidate;
}

/**
 * The assistants an assistant may delegate to, as tools. Each call runs the delegate on its own preferred model (else
 * the user's default) with its own system prompt, and every model call it makes is metered as its own usage event
 * under `assistant:<name>`, in the same metered call (one request, its records) and against the same budgets.
 */
export function delegateTools(options: { call: MeteredCall; delegates: Assistant[]; sources: ModelSources }): ToolSet {
  const tools: ToolSet = {};
  const taken = new Set<string>();
  for (const delegate of options.delegates) {
    tools[delegateToolName(delegate.name, taken)] = tool({
      description: `Ask the assistant “${delegate.name}” to do a task and return its answer. Its role: ${delegate.systemPrompt.slice(0, 300)}`,
      inputSchema: z.object({ task: z.string().describe("What the assistant should do, with all the context it needs.") }),
      execute: async ({ task }, { abortSignal }) => {
        const resolved = resolveModelFrom(options.sources, { override: delegate.preferredModel, purpose: "chat" });
        const model = meteredModel(options.call.delegate(resolved, { feature: `assistant:${delegate.name}`, assistantId: delegate.id }));
        try {
          const result = await generateText({
            model,
            system: delegate.systemPrompt,
            prompt: task,
            maxOutputTokens: DELEGATE_MAX_OUTPUT_TOKENS,
            abortSignal,
            maxRetries: 1,
          });
          return result.text;
        } catch (error) {
          // The calling model sees why its delegate failed and can answer around it.
          return `The assistant “${delegate.name}” could not answer: ${toChatError(error, resolved.provider, resolved.keySource).message}`;
        }
      },
    });
  }
  return tools;
}
