"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { onOpenCommandPalette } from "./palette-opener";
import { isNewChatShortcut, isPaletteShortcut } from "./shortcuts";

export interface CommandPaletteProps {
  isAdmin: boolean;
  /** An admin of a team sees its page at /team. */
  isTeamAdmin: boolean;
}

// The palette's list (cmdk) is not part of a page's first load: it is fetched once the page is idle, or when first
// opened if that comes sooner.
const loadDialog = () => import("./command-palette-dialog");
const PaletteDialog = dynamic(() => loadDialog().then((m) => m.PaletteDialog), { ssr: false });

/**
 * Ctrl/⌘+K (or the header's search button) on every signed-in page: go to a page, open a recent conversation, switch
 * the chat's model, start a new chat. Ctrl/⌘+Shift+O starts a new chat from anywhere.
 */
export function CommandPalette(props: CommandPaletteProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [wanted, setWanted] = useState(false);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isPaletteShortcut(event)) {
        event.preventDefault();
        setWanted(true);
        setOpen((was) => !was);
      } else if (isNewChatShortcut(event)) {
        event.preventDefault();
        setOpen(false);
        router.push("/chat");
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [router]);
  // The header's search button and the phone menu's entry.
  useEffect(
    () =>
      onOpenCommandPalette(() => {
        setWanted(true);
        setOpen(true);
      }),
    [],
  );
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 1_000));
    idle(() => void loadDialog());
  }, []);

  return wanted ? <PaletteDialog {...props} open={open} onOpenChange={setOpen} /> : null;
}
