"use client";

import { useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useRef } from "react";
import { pickChatModel } from "@/components/chat/chat-commands";
import { modelPriceLabel } from "@/components/chat/model-picker";
import { useConversationList, useModels } from "@/components/chat/use-chat-data";
import { queryKeys } from "@/lib/chat/client-api";
import {
  CommandDialog,
  CommandEmpty,
  CommandGroup,
  CommandInput,
  CommandItem,
  CommandList,
  CommandSeparator,
  CommandShortcut,
} from "@/components/ui/command";
import type { CommandPaletteProps } from "./command-palette";
import { useShortcutLabels } from "./shortcuts";
import { displayTitle } from "@/lib/chat/plain-title";

interface Page {
  href: string;
  label: string;
  keywords?: string[];
}

function pagesFor({ isAdmin, isTeamAdmin }: CommandPaletteProps): Page[] {
  const pages: Page[] = [
    { href: "/chat", label: "Chat" },
    { href: "/dashboard", label: "Dashboard", keywords: ["usage", "spend", "costs"] },
    { href: "/assistants", label: "Assistants" },
    { href: "/settings?tab=keys", label: "Settings: API keys", keywords: ["provider", "key"] },
    { href: "/settings?tab=models", label: "Settings: Default model" },
    { href: "/settings?tab=budget", label: "Settings: Budget", keywords: ["limit", "alert", "webhook"] },
    { href: "/settings?tab=tokens", label: "Settings: API tokens" },
    { href: "/settings?tab=account", label: "Settings: Account", keywords: ["password"] },
  ];
  if (isTeamAdmin) pages.push({ href: "/team", label: "Team" });
  if (isAdmin) {
    pages.push(
      { href: "/admin", label: "Admin: Users and spend" },
      { href: "/admin/models", label: "Admin: Models and prices" },
      { href: "/admin/teams", label: "Admin: Teams" },
      { href: "/admin/audit", label: "Admin: Audit log" },
      { href: "/admin/settings", label: "Admin: Settings", keywords: ["registration", "budget", "system keys"] },
    );
  }
  return pages;
}

/** Recent conversations and models: read only while the palette is open. */
function DataGroups({ run }: { run: (action: () => void) => void }) {
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const conversations = useConversationList();
  const models = useModels();
  useEffect(() => {
    // Keys and conversations change on other pages (server actions): read them afresh each time the palette opens.
    void queryClient.invalidateQueries({ queryKey: queryKeys.models });
    void queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
  }, [queryClient]);
  const items = conversations.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      {items.length > 0 ? (
        <CommandGroup heading="Recent conversations">
          {items.map((item) => (
            <CommandItem
              key={item.id}
              value={`conversation:${item.id}`}
              keywords={[displayTitle(item.title, "Untitled conversation")]}
              onSelect={() => run(() => router.push(`/chat/${item.id}`))}
              data-testid="palette-conversation"
            >
              <span className="truncate">{displayTitle(item.title, "Untitled conversation")}</span>
            </CommandItem>
          ))}
        </CommandGroup>
      ) : null}
      {models.data?.groups.length ? (
        <CommandGroup heading="Switch model (price per 1M tokens)">
          {models.data.groups.flatMap((group) =>
            group.models.map((model) => (
              <CommandItem
                key={model.ref}
                value={`model:${model.ref}`}
                keywords={[model.modelId, group.label, "model"]}
                onSelect={() =>
                  run(() => {
                    const onChat = pathname === "/chat" || pathname.startsWith("/chat/");
                    if (!pickChatModel(model.ref) || !onChat) router.push("/chat");
                  })
                }
                data-testid="palette-model"
                data-model={model.ref}
              >
                <span className="min-w-0 flex-1 truncate">
                  {model.modelId} <span className="text-zinc-600">· {group.label}</span>
                </span>
                <span className="shrink-0 text-xs text-zinc-600 tabular-nums">{modelPriceLabel(model)}</span>
              </CommandItem>
            )),
          )}
        </CommandGroup>
      ) : null}
    </>
  );
}

interface PaletteDialogProps extends CommandPaletteProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** The palette itself (cmdk in a dialog); components/layout/command-palette.tsx loads it when it is first wanted. */
export function PaletteDialog({ open, onOpenChange: setOpen, ...props }: PaletteDialogProps) {
  const router = useRouter();
  const labels = useShortcutLabels();
  // What had focus when the palette opened (the header's button, the composer), read before the dialog takes focus
  // (layout effects run before its focus effect): focus goes back there when it closes.
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (!open) return;
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }, [open]);
  const returnFocusTo = useCallback(() => opener.current, []);

  const run = (action: () => void) => {
    setOpen(false);
    action();
  };

  return (
    <CommandDialog
      open={open}
      onOpenChange={setOpen}
      returnFocusTo={returnFocusTo}
      title="Command palette"
      description="Go to a page, open a conversation, switch the model or start a new chat."
      commandProps={{ vimBindings: false }}
      data-testid="command-palette"
    >
      <CommandInput placeholder="Type a command or search…" autoFocus />
      <CommandList>
        <CommandEmpty>Nothing matches.</CommandEmpty>
        <CommandGroup heading="Actions">
          <CommandItem value="new-chat" keywords={["new chat", "start"]} onSelect={() => run(() => router.push("/chat"))} data-testid="palette-new-chat">
            New chat
            <CommandShortcut aria-label={labels.newChat}>{labels.newChat}</CommandShortcut>
          </CommandItem>
        </CommandGroup>
        <CommandGroup heading="Pages">
          {pagesFor(props).map((page) => (
            <CommandItem
              key={page.href}
              value={`page:${page.href}`}
              keywords={[page.label, ...(page.keywords ?? [])]}
              onSelect={() => run(() => router.push(page.href))}
              data-testid="palette-page"
            >
              {page.label}
            </CommandItem>
          ))}
        </CommandGroup>
        <CommandSeparator />
        {open ? <DataGroups run={run} /> : null}
      </CommandList>
    </CommandDialog>
  );
}
