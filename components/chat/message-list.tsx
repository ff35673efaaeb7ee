"use client";

import { useEffect, useRef, type ReactNode } from "react";
import type { ChatStatus } from "ai";
import type { ChatUIMessage } from "@/lib/chat/client-messages";
import { AssistantMessage } from "./assistant-message";
import { UserMessage } from "./user-message";

interface MessageListProps {
  messages: ChatUIMessage[];
  status: ChatStatus;
  onEditLast: (messageId: string, text: string) => void;
  onRegenerate: () => void;
  /** Shown after the messages (the inline error). */
  footer?: ReactNode;
}

/** The conversation, oldest first; follows the answer as it streams unless the reader scrolled up. */
export function MessageList({ messages, status, onEditLast, onRegenerate, footer }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const followBottom = useRef(true);
  const busy = status === "submitted" || status === "streaming";
  const last = messages.at(-1);
  const lastUserId = messages.findLast((m) => m.role === "user")?.id;
  const waiting = busy && last?.role !== "assistant";

  useEffect(() => {
    const element = scroller.current;
    if (element && followBottom.current) element.scrollTop = element.scrollHeight;
  }, [messages, status, footer]);

  return (
    <div
      ref={scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        followBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
      }}
      className="min-h-0 flex-1 overflow-y-auto px-1 py-4"
      role="log"
      aria-label="Messages"
      aria-live="polite"
      aria-busy={busy}
    >
      <ol className="mx-auto flex max-w-3xl flex-col gap-4" data-testid="messages">
        {messages.map((message) => {
          if (message.role === "user") {
            const editable = !busy && message.id === lastUserId;
            return (
              <UserMessage
                key={message.id}
                message={message}
                onEdit={editable ? (text) => onEditLast(message.id, text) : undefined}
              />
            );
          }
          if (message.role !== "assistant") return null;
          const isLast = message.id === last?.id;
          return (
            <AssistantMessage
              key={message.id}
              message={message}
              streaming={busy && isLast}
              onRegenerate={!busy && isLast ? onRegenerate : undefined}
            />
          );
        })}
        {waiting ? (
          <li className="flex items-center gap-2 text-sm text-zinc-500" data-testid="waiting">
            <span className="inline-block size-2 animate-pulse rounded-full bg-brand-500" aria-hidden />
            Waiting for the model…
          </li>
        ) : null}
      </ol>
      {footer ? <div className="mx-auto mt-4 max-w-3xl">{footer}</div> : null}
    </div>
  );
}
