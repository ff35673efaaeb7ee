"use client";

/**
 * How the command palette and the global shortcuts reach the chat on screen: the mounted chat registers its model
 * setter here. A model picked while no chat is open waits here until the next chat mounts (the palette then opens
 * /chat).
 */
interface ChatHandle {
  pickModel: (ref: string) => void;
}

let current: ChatHandle | null = null;
let pendingModel: string | null = null;

/** Called by the chat view while it is mounted; returns the unregister function. */
export function registerChat(handle: ChatHandle): () => void {
  current = handle;
  pendingModel = null;
  return () => {
    if (current === handle) current = null;
  };
}

/** Sets the open chat's model like its picker does; false when no chat is open (the model waits for the next one). */
export function pickChatModel(ref: string): boolean {
  if (current) {
    current.pickModel(ref);
    return true;
  }
  pendingModel = ref;
  return false;
}

/** The model picked in the palette before this chat opened, if any (cleared when the chat registers). */
export function pendingChatModel(): string | null {
  return pendingModel;
}
