"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useMemo, useState } from "react";
import { NEW_CHAT_KEYS, useShortcutLabels } from "@/components/layout/shortcuts";
import { Button } from "@/components/ui/button";
import { browserTimeZone, groupHistory } from "@/lib/chat/history-groups";
import { cn } from "@/lib/cn";
import { ConversationItem } from "./conversation-item";
import { useConversationList } from "./use-chat-data";

/** Waits this long after the last keystroke before searching (ms). */
const SEARCH_DELAY = 250;

function useDebounced(value: string, delay: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/**
 * The history, newest first, under Today / Yesterday / Previous 7 days / Older (calendar days in `timeZone`, the
 * user's setting, else the browser's), with "New chat" and a search over titles on top and "Load more" at the bottom.
 */
export function ConversationSidebar({ className, timeZone }: { className?: string; timeZone?: string | null }) {
  const pathname = usePathname();
  const idPrefix = useId();
  const [search, setSearch] = useState("");
  const query = useDebounced(search, SEARCH_DELAY).trim();
  const list = useConversationList(query);
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const zone = timeZone ?? (typeof window === "undefined" ? "UTC" : browserTimeZone());
  const groups = useMemo(() => groupHistory(items, zone), [items, zone]);
  const shortcuts = useShortcutLabels();

  return (
    <aside className={cn("flex min-h-0 flex-col rounded-xl border border-zinc-200 bg-white p-2", className)} aria-label="Conversations">
      <Link
        href="/chat"
        className="mb-2 inline-flex h-9 items-center justify-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
        data-testid="new-chat"
        title={`New chat (${shortcuts.newChat})`}
        aria-keyshortcuts={NEW_CHAT_KEYS}
      >
        New chat
      </Link>
      <div className="mb-2" role="search">
        <input
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape" && search) {
              event.stopPropagation();
              setSearch("");
            }
          }}
          placeholder="Search titles…"
          aria-label="Search conversations"
          maxLength={120}
          className="h-8 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 placeholder:text-zinc-500 focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
          data-testid="conversation-search"
        />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto" data-testid="conversation-list" aria-busy={list.isFetching || undefined}>
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
          query ? (
            <p className="px-2 py-1.5 text-sm break-words text-zinc-500" data-testid="no-matches" role="status">
              No titles contain “{query}”.
            </p>
          ) : (
            <p className="px-2 py-1.5 text-sm text-zinc-500" data-testid="no-conversations">
              No conversations yet.
            </p>
          )
        ) : null}
        {groups.map((group) => (
          <section key={group.key} aria-labelledby={`${idPrefix}-${group.key}`} className="mb-2" data-testid="history-group">
            <h2 id={`${idPrefix}-${group.key}`} className="px-2 pt-1 pb-0.5 text-xs font-medium text-zinc-500">
              {group.label}
            </h2>
            <ul className="space-y-0.5">
              {group.items.map((conversation) => (
                <ConversationItem key={conversation.id} conversation={conversation} active={pathname === `/chat/${conversation.id}`} />
              ))}
            </ul>
          </section>
        ))}
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
