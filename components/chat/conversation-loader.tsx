"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { getConversation, queryKeys } from "@/lib/chat/client-api";
import { toChatMessages } from "@/lib/chat/client-messages";
import { AppError } from "@/lib/errors";
import { ChatView } from "./chat-view";

/** /chat/<id>: loads the stored conversation once, then hands it to the chat (which owns the messages from then on). */
export function ConversationLoader({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: queryKeys.conversation(id),
    queryFn: ({ signal }) => getConversation(id, signal),
    // Read fresh on every visit and never behind the chat's back: useChat holds the live messages.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });

  if (detail.isPending) {
    return (
      <div className="flex h-full items-center justify-center text-sm text-zinc-500" data-testid="conversation-loading" role="status">
        Loading the conversation…
      </div>
    );
  }
  if (detail.isError) {
    const missing = detail.error instanceof AppError && (detail.error.code === "not_found" || detail.error.code === "conversation_not_found");
    return (
      <div className="mx-auto mt-12 max-w-md space-y-3" data-testid="conversation-error">
        <Alert>{missing ? "This conversation does not exist, or it was deleted." : detail.error.message}</Alert>
        <div className="flex gap-2">
          {missing ? null : (
            <Button variant="secondary" onClick={() => void detail.refetch()}>
              Try again
            </Button>
          )}
          <Link href="/chat" className="inline-flex h-9 items-center rounded-md px-4 text-sm font-medium text-brand-600 hover:bg-brand-50">
            Start a new chat
          </Link>
        </div>
      </div>
    );
  }
  const { conversation } = detail.data;
  return (
    <ChatView
      id={conversation.id}
      isNew={false}
      initialMessages={toChatMessages(detail.data)}
      initialModel={conversation.model}
      initialAssistantId={conversation.assistantId}
      initialTitle={conversation.title}
      initialCostParts={conversation.costParts}
    />
  );
}
