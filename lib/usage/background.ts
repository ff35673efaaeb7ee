import "server-only";
import { after } from "next/server";
import { logFailure } from "@/lib/log";

/**
 * Work that runs after the response (usage recording, titles) so it never slows a stream. Next.js keeps the
 * process working on it through `after()`; outside a request (tests, scripts) it simply runs. Every task is
 * tracked so tests and shutdown can wait for it.
 */
const running = new Set<Promise<unknown>>();

export function runInBackground(label: string, task: () => Promise<unknown>): void {
  const promise = task()
    .catch((error: unknown) => logFailure("background", label, error))
    .finally(() => running.delete(promise));
  running.add(promise);
  try {
    // The promise itself, not a callback returning it: Next.js then only waits for it, where a callback would be
    // queued and bound to the request's async context (about 50 µs per task, for a promise already running).
    after(promise);
  } catch {
    // Not inside a request scope: the promise runs on its own.
  }
}

/** Resolves when every background task started so far has finished. */
export async function waitForBackgroundWork(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}
