"use client";

import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { deleteConversation, queryKeys, renameConversation } from "@/lib/chat/client-api";
import type { ConversationPage, ConversationSummary } from "@/lib/chat/contract";
import { displayTitle } from "@/lib/chat/plain-title";
import { cn } from "@/lib/cn";

const TITLE_MAX = 120;

type ListData = InfiniteData<ConversationPage, string | null>;

function updateList(data: ListData | undefined, change: (items: ConversationSummary[]) => ConversationSummary[]): ListData | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: change(page.items) })) };
}

const smallButton =
  "rounded px-1.5 py-0.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-brand-500 disabled:cursor-not-allowed disabled:opacity-60";

function DotsIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-4">
      <path d="M3 10a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0Zm5.5 0a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0ZM15.5 8.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Z" />
    </svg>
  );
}

/**
 * One conversation in the history: its title over the row's whole width (cut with "…", the full title on hover), and
 * a "…" menu (Radix: Enter/Space/↓ open it, arrows move, Esc closes) to rename it inline or delete it after a confirm.
 */
export function ConversationItem({ conversation, active }: { conversation: ConversationSummary; active: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [draft, setDraft] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  // The menu gives focus back to its button when it closes, unless the rename field is about to take it.
  const focusRename = useRef(false);
  const title = displayTitle(conversation.title, "New conversation");

  const rename = useMutation({
    mutationFn: (next: string) => renameConversation(conversation.id, next),
    onSuccess: (saved) => {
      // Every history list (the whole one and each search) holds the row.
      queryClient.setQueriesData<ListData>({ queryKey: queryKeys.conversations }, (data) =>
        updateList(data, (items) => items.map((item) => (item.id === saved.id ? { ...item, ...saved } : item))),
      );
      setDraft(null);
    },
    onError: (error) => toast.error(error.message),
  });

  const remove = useMutation({
    mutationFn: () => deleteConversation(conversation.id),
    onSuccess: () => {
      queryClient.setQueriesData<ListData>({ queryKey: queryKeys.conversations }, (data) =>
        updateList(data, (items) => items.filter((item) => item.id !== conversation.id)),
      );
      queryClient.removeQueries({ queryKey: queryKeys.conversation(conversation.id) });
      setConfirming(false);
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
              if (event.key === "Escape") {
                // Esc cancels the rename only (not the answer streaming beside it).
                event.stopPropagation();
                setDraft(null);
              }
            }}
            maxLength={TITLE_MAX}
            autoFocus
            disabled={rename.isPending}
            className="h-7 min-w-0 flex-1 rounded border border-zinc-300 bg-white px-2 text-sm focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
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
      className={cn("group relative flex items-center rounded-md", active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100")}
      data-testid="conversation-item"
      data-conversation-id={conversation.id}
    >
      <Link
        href={`/chat/${conversation.id}`}
        aria-current={active ? "page" : undefined}
        className={cn(
          "min-w-0 flex-1 truncate rounded-md py-1.5 pl-2 text-sm focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-500",
          // The "…" button sits over the end of the row: always on touch screens, on hover or focus with a mouse.
          "pr-9 md:pr-2 md:group-focus-within:pr-9 md:group-hover:pr-9",
        )}
        title={title}
        data-testid="conversation-link"
      >
        {title}
      </Link>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <button
            type="button"
            aria-label={`Actions for “${title}”`}
            className={cn(
              "absolute top-1/2 right-1 inline-flex size-7 -translate-y-1/2 items-center justify-center rounded-md",
              "focus-visible:outline-2 focus-visible:outline-brand-500",
              "opacity-100 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100 md:data-[state=open]:opacity-100",
              active ? "text-zinc-200 hover:bg-zinc-700 data-[state=open]:bg-zinc-700" : "text-zinc-500 hover:bg-zinc-200 data-[state=open]:bg-zinc-200",
            )}
            data-testid="conversation-menu"
          >
            <DotsIcon />
          </button>
        </DropdownMenuTrigger>
        <DropdownMenuContent
          align="end"
          className="min-w-32"
          onCloseAutoFocus={(event) => {
            if (focusRename.current) event.preventDefault();
            focusRename.current = false;
          }}
        >
          <DropdownMenuItem
            onSelect={() => {
              focusRename.current = true;
              setDraft(conversation.title ? displayTitle(conversation.title, "") : "");
            }}
            data-testid="rename-conversation"
          >
            Rename
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setConfirming(true)} className="text-red-700 data-highlighted:bg-red-50" data-testid="delete-conversation">
            Delete
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <Dialog open={confirming} onOpenChange={(open) => !remove.isPending && setConfirming(open)}>
        <DialogContent className="max-w-sm" data-testid="delete-dialog">
          <DialogTitle>Delete this conversation?</DialogTitle>
          <DialogDescription className="break-words">
            “{title}” and its messages are removed. What it cost stays in your usage.
          </DialogDescription>
          <DialogFooter>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button variant="danger" onClick={() => remove.mutate()} disabled={remove.isPending} data-testid="confirm-delete">
              {remove.isPending ? "Deleting…" : "Delete"}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </li>
  );
}
