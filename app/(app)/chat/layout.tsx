import type { ReactNode } from "react";
import { ConversationSidebar } from "@/components/chat/conversation-sidebar";
import { HistoryDrawer } from "@/components/chat/history-drawer";
import { getCurrentUser } from "@/lib/auth/session";
import "highlight.js/styles/github-dark.min.css";

/**
 * Chat: the history on the left, the conversation filling the rest of the screen (below the header and the main
 * padding). On phones the history moves into a drawer (see HistoryDrawer).
 */
export default async function ChatLayout({ children }: { children: ReactNode }) {
  // The history's Today / Yesterday headings follow the user's time zone (the browser's when none is set).
  const timeZone = (await getCurrentUser())?.timeZone ?? null;
  return (
    <HistoryDrawer timeZone={timeZone}>
      <div className="flex h-[calc(100dvh-6rem)] min-h-[20rem] gap-4 sm:h-[calc(100dvh-8rem)] sm:min-h-[32rem]">
        <ConversationSidebar className="hidden w-64 shrink-0 md:flex" timeZone={timeZone} />
        <section className="flex min-h-0 min-w-0 flex-1 flex-col" aria-label="Conversation">
          {children}
        </section>
      </div>
    </HistoryDrawer>
  );
}
