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

const subscribedOnClient = () => true;

/**
 * The palette's shortcut as the header button shows it: "⌘K" on a Mac, "Ctrl K" elsewhere; null while rendering on
 * the server and hydrating, so the first client render matches the server's HTML whatever the platform.
 */
export function usePaletteHint(): string | null {
  const hydrated = useSyncExternalStore(noSubscribe, subscribedOnClient, () => false);
  const mac = useSyncExternalStore(noSubscribe, isMac, () => false);
  if (!hydrated) return null;
  return mac ? "⌘K" : "Ctrl K";
}

/** True while a dialog, menu or list box is open: Esc belongs to it then, not to the page. */
export function overlayOpen(): boolean {
  return document.querySelector('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]') !== null;
}

/**
 * Marks a field whose Esc is the page's (the chat's composer: Esc there stops the answer, it has nothing of its own to
 * undo). Every other text field keeps its Esc.
 */
export const PAGE_ESCAPE_ATTRIBUTE = "data-page-escape";

/** The parts of an event target read here (an Element, or a stand-in for one in tests). */
interface TargetLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  hasAttribute?: (name: string) => boolean;
}

// Inputs that take no typing: Esc in them has nothing to cancel.
const NON_TEXT_INPUTS = new Set(["button", "checkbox", "color", "file", "hidden", "image", "radio", "range", "reset", "submit"]);

/**
 * A text field (input, textarea, select, contenteditable) whose Esc is its own: cancelling a rename or an edit,
 * clearing a search. The field's handler may run after a page listener or not stop the event at all, so the page
 * checks the target itself rather than relying on stopPropagation.
 */
export function isOwnEscapeField(target: EventTarget | TargetLike | null): boolean {
  if (!target || typeof target !== "object") return false;
  const element = target as TargetLike;
  if (element.hasAttribute?.(PAGE_ESCAPE_ATTRIBUTE)) return false;
  if (element.isContentEditable) return true;
  const tag = element.tagName?.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && !NON_TEXT_INPUTS.has((element.type ?? "text").toLowerCase());
}

type EscapeEventLike = Pick<KeyboardEvent, "key" | "defaultPrevented" | "isComposing"> & { target: EventTarget | TargetLike | null };

/**
 * An Esc that nothing else took: no open dialog, menu or list box, not typed in a text field that has its own use
 * for it, not handled already, no IME composition.
 */
export function isEscapeForPage(event: EscapeEventLike, overlay: () => boolean = overlayOpen): boolean {
  return event.key === "Escape" && !event.defaultPrevented && !event.isComposing && !isOwnEscapeField(event.target) && !overlay();
}
