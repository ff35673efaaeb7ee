"use client";

import { useSyncExternalStore } from "react";

/** The app's keyboard shortcuts: what they match and how they are written for the person's platform. */

type KeyEventLike = Pick<KeyboardEvent, "key" | "metaKey" | "ctrlKey" | "shiftKey" | "altKey">;

const mod = (event: KeyEventLike) => event.metaKey || event.ctrlKey;

/** Ctrl+K / ⌘K: the command palette. */
export function isPaletteShortcut(event: KeyEventLike): boolean {
  return mod(event) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "k";
}

/** Ctrl+Shift+O / ⌘⇧O: a new chat (as in ChatGPT). */
export function isNewChatShortcut(event: KeyEventLike): boolean {
  return mod(event) && event.shiftKey && !event.altKey && event.key.toLowerCase() === "o";
}

/** For `aria-keyshortcuts`. */
export const NEW_CHAT_KEYS = "Control+Shift+O Meta+Shift+O";
export const PALETTE_KEYS = "Control+K Meta+K";

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

const noSubscribe = () => () => undefined;

/** Written the platform's way: "⌘⇧O" on a Mac, "Ctrl+Shift+O" elsewhere (and while rendering on the server). */
export function useShortcutLabels(): { palette: string; newChat: string } {
  const mac = useSyncExternalStore(noSubscribe, isMac, () => false);
  return mac ? { palette: "⌘K", newChat: "⌘⇧O" } : { palette: "Ctrl+K", newChat: "Ctrl+Shift+O" };
}

/** True while a dialog, menu or list box is open: Esc belongs to it then, not to the page. */
export function overlayOpen(): boolean {
  return document.querySelector('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]') !== null;
}

/** An Esc that nothing else took (no open dialog or menu handled it, no IME composition). */
export function isEscapeForPage(event: KeyboardEvent): boolean {
  return event.key === "Escape" && !event.defaultPrevented && !event.isComposing && !overlayOpen();
}
