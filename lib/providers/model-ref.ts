import { z } from "zod";
import { isUuid } from "@/lib/validation/id";
import { text } from "@/lib/validation/text";
import { isProviderKind, type ProviderKind } from "./kinds";

/**
 * A model as stored in settings and sent by pickers: "openai:gpt-4o-mini", "openrouter:anthropic/claude-sonnet-4.5",
 * or for an OpenAI-compatible endpoint "openai-compatible:<endpoint id>:llama3.2:latest" (model ids may contain ':').
 */
export interface ModelRef {
  provider: ProviderKind;
  modelId: string;
  /** The provider_keys row of an OpenAI-compatible endpoint. */
  endpointId?: string;
}

const MODEL_ID = /^[\x21-\x7e]{1,200}$/;

export function formatModelRef(ref: ModelRef): string {
  return ref.provider === "openai-compatible" ? `${ref.provider}:${ref.endpointId}:${ref.modelId}` : `${ref.provider}:${ref.modelId}`;
}

export function parseModelRef(value: string): ModelRef | null {
  const colon = value.indexOf(":");
  if (colon < 0) return null;
  const provider = value.slice(0, colon) as ProviderKind;
  if (!isProviderKind(provider)) return null;
  let rest = value.slice(colon + 1);
  let endpointId: string | undefined;
  if (provider === "openai-compatible") {
    const next = rest.indexOf(":");
    endpointId = next < 0 ? "" : rest.slice(0, next);
    if (!isUuid(endpointId)) return null;
    rest = rest.slice(next + 1);
  }
  if (!MODEL_ID.test(rest)) return null;
  return endpointId ? { provider, modelId: rest, endpointId } : { provider, modelId: rest };
}

export const modelRefSchema = text("Choose a model.")
  .trim()
  .min(1, "Choose a model.")
  .transform((value, ctx) => {
    const ref = parseModelRef(value);
    if (!ref) {
      ctx.addIssue({ code: "custom", message: "That is not a model this app knows how to call." });
      return z.NEVER;
    }
    return ref;
  });
