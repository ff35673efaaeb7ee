"use client";

import { cn } from "@/lib/cn";
import { openCommandPalette } from "./palette-opener";
import { PALETTE_KEYS, usePaletteHint } from "./shortcuts";

export function SearchIcon({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className={cn("size-4 shrink-0", className)}>
      <path
        fillRule="evenodd"
        d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.08 3.08a.75.75 0 1 1-1.06 1.06l-3.08-3.08A7 7 0 0 1 2 9Z"
        clipRule="evenodd"
      />
    </svg>
  );
}

/**
 * The header's way into the command palette for people who do not know Ctrl/⌘+K: a search icon and the shortcut.
 * From `sm` up; on phones the menu has the same entry.
 */
export function PaletteButton({ className }: { className?: string }) {
  const hint = usePaletteHint();
  return (
    <button
      type="button"
      onClick={openCommandPalette}
      aria-keyshortcuts={PALETTE_KEYS}
      data-testid="palette-button"
      className={cn(
        "h-9 items-center gap-2 rounded-md border border-zinc-200 bg-white px-2.5 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500",
        className,
      )}
    >
      <SearchIcon />
      <span className="sr-only xl:not-sr-only">Search and commands</span>
      {/* Chosen after hydration (the server cannot know the platform); the name stays the same without it. */}
      {hint ? (
        <kbd aria-hidden="true" className="rounded border border-zinc-200 bg-zinc-50 px-1.5 font-sans text-xs text-zinc-500" data-testid="palette-hint">
          {hint}
        </kbd>
      ) : null}
    </button>
  );
}
