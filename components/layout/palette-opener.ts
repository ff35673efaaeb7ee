"use client";

/** Lets buttons outside the command palette (the header's, the phone menu's) open it: the palette subscribes here. */
const listeners = new Set<() => void>();

export function openCommandPalette(): void {
  for (const listener of listeners) listener();
}

/** Called by the mounted palette; returns the unsubscribe function. */
export function onOpenCommandPalette(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
