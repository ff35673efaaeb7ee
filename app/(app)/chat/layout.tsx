import type { ReactNode } from "react";
import { ConversationSidebar } from "@/components/chat/conversation-sidebar";
import "highlight.js/styles/github-dark.min.css";

/** Chat: the history on the left, the conversation filling the rest of the screen (below the header and the main padding). */
export default function ChatLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex h-[calc(100dvh-8rem)] min-h-[32rem] flex-col gap-4 md:flex-row">
      <ConversationSidebar />
      <section className="flex min-h-0 min-w-0 flex-1 flex-col" aria-label="Conversation">
        {children}
      </section>
    </div>
  );
}
