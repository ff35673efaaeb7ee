"use client";

import { usePathname } from "next/navigation";
import { useState } from "react";
import { newConversationId } from "@/lib/chat/client-messages";
import { ChatView } from "./chat-view";

/**
 * /chat: a fresh conversation with an id made here. After its first answer the URL turns into /chat/<id> without a
 * remount; coming back to /chat (New chat, the Chat tab) starts another one.
 */
export function NewChat() {
  const pathname = usePathname();
  const [chatId, setChatId] = useState(newConversationId);
  const [seenPath, setSeenPath] = useState(pathname);
  if (pathname !== seenPath) {
    setSeenPath(pathname);
    if (pathname === "/chat") setChatId(newConversationId());
  }
  return <ChatView key={chatId} id={chatId} isNew initialMessages={[]} initialModel={null} initialAssistantId={null} initialTitle={null} />;
}
