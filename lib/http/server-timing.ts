import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Where a request's time went before its first byte, as a `Server-Timing` header (browsers' network panel and
 * `npm run bench:chat` read it): each mark is the time since the previous one. Marks from deep code (the upstream
 * fetch) reach the request they belong to through async context; outside a timed request they do nothing.
 */
export class ServerTiming {
  private last = performance.now();
  private readonly entries: [string, number][] = [];

  mark(name: string): void {
    const now = performance.now();
    this.entries.push([name, now - this.last]);
    this.last = now;
  }

  header(): string {
    return this.entries.map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(", ");
  }
}

const current = new AsyncLocalStorage<ServerTiming>();

export function runTimed<T>(timing: ServerTiming, fn: () => T): T {
  return current.run(timing, fn);
}

/** Marks a phase of the current request, if it is timed. */
export function markTiming(name: string): void {
  current.getStore()?.mark(name);
}

export function currentTiming(): ServerTiming | undefined {
  return current.getStore();
}
