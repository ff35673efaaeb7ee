"use client";

import { createContext, useContext, useState, type ReactNode } from "react";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import { ConversationSidebar } from "./conversation-sidebar";

const OpenHistory = createContext<(() => void) | null>(null);

/**
 * Below `md` the history is not beside the conversation but in a sheet from the left, opened by the History button in
 * the conversation's header. Following a link in it (a conversation, New chat) closes it.
 */
export function HistoryDrawer({ children, timeZone }: { children: ReactNode; timeZone?: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <OpenHistory.Provider value={() => setOpen(true)}>
      {children}
      <Sheet open={open} onOpenChange={setOpen}>
        <SheetContent
          side="left"
          className="gap-2 p-3 pt-4 md:hidden"
          data-testid="history-drawer"
          onClickCapture={(event) => {
            if ((event.target as HTMLElement).closest("a[href]")) setOpen(false);
          }}
        >
          <SheetTitle className="px-1">History</SheetTitle>
          <SheetDescription className="sr-only">Your conversations, newest first, grouped by day, with a search over their titles.</SheetDescription>
          <ConversationSidebar className="min-h-0 flex-1 rounded-none border-0 bg-transparent p-0" timeZone={timeZone} />
        </SheetContent>
      </Sheet>
    </OpenHistory.Provider>
  );
}

function HistoryIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-5">
      <path d="M3 4.75A.75.75 0 0 1 3.75 4h12.5a.75.75 0 0 1 0 1.5H3.75A.75.75 0 0 1 3 4.75Zm0 5A.75.75 0 0 1 3.75 9h12.5a.75.75 0 0 1 0 1.5H3.75A.75.75 0 0 1 3 9.75Zm0 5a.75.75 0 0 1 .75-.75h7.5a.75.75 0 0 1 0 1.5h-7.5a.75.75 0 0 1-.75-.75Z" />
    </svg>
  );
}

/** Opens the history sheet; shown only below `md`, where the sidebar is hidden. Renders nothing outside a drawer. */
export function HistoryButton() {
  const open = useContext(OpenHistory);
  if (!open) return null;
  return (
    <button
      type="button"
      onClick={open}
      aria-label="Conversation history"
      data-testid="history-button"
      className="inline-flex size-9 shrink-0 items-center justify-center self-center rounded-md border border-zinc-200 bg-white text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500 md:hidden"
    >
      <HistoryIcon />
    </button>
  );
}
