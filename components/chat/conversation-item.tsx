"use client";

import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { deleteConversation, queryKeys, renameConversation } from "@/lib/chat/client-api";
import type { ConversationPage, ConversationSummary } from "@/lib/chat/contract";
import { cn } from "@/lib/cn";

const TITLE_MAX = 120;

type ListData = InfiniteData<ConversationPage, string | null>;

function updateList(data: ListData | undefined, change: (items: ConversationSummary[]) => ConversationSummary[]): ListData | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: change(page.items) })) };
}

const smallButton =
  "rounded px-1.5 py-0.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-brand-500 disabled:cursor-not-allowed disabled:opacity-60";

/** One conversation in the history: open it, rename it inline, delete it (after a confirm). */
export function ConversationItem({ conversation, active }: { conversation: ConversationSummary; active: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [draft, setDraft] = useState<string | null>(null);
  const title = conversation.title ?? "New conversation";

  const rename = useMutation({
    mutationFn: (next: string) => renameConversation(conversation.id, next),
    onSuccess: (saved) => {
      queryClient.setQueryData<ListData>(queryKeys.conversations, (data) =>
        updateList(data, (items) => items.map((item) => (item.id === saved.id ? { ...item, ...saved } : item))),
      );
      setDraft(null);
    },
    onError: (error) => toast.error(error.message),
  });

  const remove = useMutation({
    mutationFn: () => deleteConversation(conversation.id),
    onSuccess: () => {
      queryClient.setQueryData<ListData>(queryKeys.conversations, (data) => updateList(data, (items) => items.filter((item) => item.id !== conversation.id)));
      queryClient.removeQueries({ queryKey: queryKeys.conversation(conversation.id) });
      toast.success(`Deleted “${title}”.`);
      if (active) router.push("/chat");
    },
    onError: (error) => toast.error(error.message),
  });

  function saveRename() {
    const next = draft?.trim() ?? "";
    if (!next || next === conversation.title) {
      setDraft(null);
      return;
    }
    rename.mutate(next);
  }

  if (draft !== null) {
    return (
      <li className="rounded-md bg-white p-1.5 ring-1 ring-brand-100" data-testid="conversation-item" data-conversation-id={conversation.id}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            saveRename();
          }}
          className="flex items-center gap-1"
        >
          <label htmlFor={`rename-${conversation.id}`} className="sr-only">
            New title
          </label>
          <input
            id={`rename-${conversation.id}`}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") setDraft(null);
            }}
            maxLength={TITLE_MAX}
            autoFocus
            disabled={rename.isPending}
            className="h-7 min-w-0 flex-1 rounded border border-zinc-300 px-2 text-sm focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
            data-testid="rename-input"
          />
          <button type="submit" className={cn(smallButton, "text-brand-700 hover:bg-brand-50")} disabled={rename.isPending} data-testid="rename-save">
            Save
          </button>
          <button type="button" className={cn(smallButton, "text-zinc-600 hover:bg-zinc-100")} onClick={() => setDraft(null)} data-testid="rename-cancel">
            Cancel
          </button>
        </form>
      </li>
    );
  }

  return (
    <li
      className={cn("group flex items-center gap-1 rounded-md pr-1", active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100")}
      data-testid="conversation-item"
      data-conversation-id={conversation.id}
    >
      <Link
        href={`/chat/${conversation.id}`}
        aria-current={active ? "page" : undefined}
        className="min-w-0 flex-1 truncate px-2 py-1.5 text-sm"
        title={title}
        data-testid="conversation-link"
      >
        {title}
      </Link>
      <span className="flex shrink-0 opacity-100 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
        <button
          type="button"
          onClick={() => setDraft(conversation.title ?? "")}
          aria-label={`Rename “${title}”`}
          className={cn(smallButton, active ? "text-zinc-200 hover:bg-zinc-700" : "text-zinc-500 hover:bg-zinc-200")}
          data-testid="rename-conversation"
        >
          Rename
        </button>
        <button
          type="button"
          onClick={() => {
            if (window.confirm(`Delete “${title}”? Its messages are removed; what it cost stays in your usage.`)) remove.mutate();
          }}
          disabled={remove.isPending}
          aria-label={`Delete “${title}”`}
          className={cn(smallButton, active ? "text-red-300 hover:bg-zinc-700" : "text-red-600 hover:bg-red-50")}
          data-testid="delete-conversation"
        >
          Delete
        </button>
      </span>
    </li>
  );
}
