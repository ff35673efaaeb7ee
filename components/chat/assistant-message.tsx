"use client";

import { messageText, type ChatUIMessage } from "@/lib/chat/client-messages";
import { CopyButton } from "@/components/ui/copy-button";
import { AssistantParts } from "./message-parts";
import { MessageCost } from "./message-cost";

interface AssistantMessageProps {
  message: ChatUIMessage;
  streaming: boolean;
  /** Set on the last answer while nothing is streaming. */
  onRegenerate?: () => void;
}

export function AssistantMessage({ message, streaming, onRegenerate }: AssistantMessageProps) {
  const hasText = message.parts.some((part) => part.type === "text" && part.text.length > 0);
  return (
    <li className="flex flex-col items-start" data-testid="message-assistant" data-message-id={message.id} aria-busy={streaming || undefined}>
      <div className="w-full max-w-[92%] min-w-0 rounded-2xl rounded-bl-sm border border-zinc-200 bg-white px-4 py-3 wrap-anywhere shadow-xs">
        <div data-testid="message-text">
          <AssistantParts parts={message.parts} />
          {streaming && !hasText ? <p className="text-sm text-zinc-500">…</p> : null}
        </div>
        {streaming ? null : <MessageCost metadata={message.metadata} />}
      </div>
      {streaming ? null : (
        <div className="mt-1 flex gap-1">
          {hasText ? (
            <CopyButton getText={() => messageText(message)} className="text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800" data-testid="copy-message" />
          ) : null}
          {onRegenerate ? (
            <button
              type="button"
              onClick={onRegenerate}
              className="rounded px-1.5 py-0.5 text-xs font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-brand-500"
              data-testid="regenerate"
            >
              Regenerate
            </button>
          ) : null}
        </div>
      )}
    </li>
  );
}
