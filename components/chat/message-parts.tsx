"use client";

import { getToolName, isReasoningUIPart, isToolUIPart, type DynamicToolUIPart, type ToolUIPart } from "ai";
import type { ChatUIMessage } from "@/lib/chat/client-messages";
import { Markdown } from "./markdown";

type Part = ChatUIMessage["parts"][number];

const TOOL_STATE: Record<string, string> = {
  "input-streaming": "asking…",
  "input-available": "working…",
  "approval-requested": "waiting for approval",
  "approval-responded": "working…",
  "output-available": "done",
  "output-error": "failed",
  "output-denied": "denied",
};

function ToolPart({ part }: { part: ToolUIPart | DynamicToolUIPart }) {
  const name = getToolName(part).replace(/[_-]+/g, " ");
  const output = part.state === "output-available" && typeof part.output === "string" ? part.output : null;
  return (
    <details className="my-2 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-1.5 text-xs text-zinc-600" data-testid="tool-call">
      <summary className="cursor-pointer select-none">
        <span className="font-medium text-zinc-800">{name}</span> · {TOOL_STATE[part.state] ?? part.state}
      </summary>
      {part.state === "output-error" ? <p className="mt-1 text-red-700">{part.errorText}</p> : null}
      {output ? <p className="mt-1 whitespace-pre-wrap">{output}</p> : null}
    </details>
  );
}

/** The parts of an answer: text as markdown, reasoning folded away, delegated assistants / tools as small chips. */
export function AssistantParts({ parts }: { parts: Part[] }) {
  return (
    <>
      {parts.map((part, index) => {
        const key = `${index}-${part.type}`;
        if (part.type === "text") return part.text ? <Markdown key={key} text={part.text} /> : null;
        if (isReasoningUIPart(part)) {
          if (!part.text.trim()) return null;
          return (
            <details key={key} className="my-2 text-xs text-zinc-500" data-testid="reasoning">
              <summary className="cursor-pointer select-none">{part.state === "streaming" ? "Thinking…" : "Reasoning"}</summary>
              <p className="mt-1 border-l-2 border-zinc-200 pl-3 whitespace-pre-wrap">{part.text}</p>
            </details>
          );
        }
        if (isToolUIPart(part)) return <ToolPart key={key} part={part} />;
        return null;
      })}
    </>
  );
}
