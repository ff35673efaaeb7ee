"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { ConversationItem } from "./conversation-item";
import { useConversationList } from "./use-chat-data";

/** The history, newest first, with "New chat" on top and "Load more" at the bottom. */
export function ConversationSidebar({ className }: { className?: string }) {
  const pathname = usePathname();
  const list = useConversationList();
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <aside className={cn("flex min-h-0 flex-col rounded-xl border border-zinc-200 bg-white p-2", className)} aria-label="Conversations">
      <Link
        href="/chat"
        className="mb-2 inline-flex h-9 items-center justify-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
        data-testid="new-chat"
      >
        New chat
      </Link>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {list.isPending ? <p className="px-2 py-1.5 text-sm text-zinc-500">Loading…</p> : null}
        {list.isError ? (
          <div className="space-y-2 px-2 py-1.5 text-sm text-red-700" role="alert">
            <p>{list.error.message}</p>
            <Button variant="secondary" className="h-8 px-3" onClick={() => void list.refetch()}>
              Try again
            </Button>
          </div>
        ) : null}
        {list.isSuccess && items.length === 0 ? (
          <p className="px-2 py-1.5 text-sm text-zinc-500" data-testid="no-conversations">
            No conversations yet.
          </p>
        ) : null}
        <ul className="space-y-0.5" data-testid="conversation-list">
          {items.map((conversation) => (
            <ConversationItem key={conversation.id} conversation={conversation} active={pathname === `/chat/${conversation.id}`} />
          ))}
        </ul>
        {list.hasNextPage ? (
          <Button
            variant="ghost"
            className="mt-1 h-8 w-full text-xs"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
            data-testid="load-more"
          >
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        ) : null}
      </div>
    </aside>
  );
}
