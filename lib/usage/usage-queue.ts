import "server-only";
import type { UsageSideWrite } from "@/db/queries/usage-side-writes";
import { releaseIdleLeases } from "@/lib/budgets/leases";
import { logFailure } from "@/lib/log";
import { waitForBackgroundWork } from "./background";
import { recordUsage, writeUsageOnce, type UsageRecord } from "./recorder";

/**
 * The usage write queue: group commits. Records handed to `enqueueUsage` by many concurrent requests are stored
 * together — every `intervalMs` (10 ms) or as soon as `maxRows` are waiting — in ONE transaction per flush, by the
 * recorder's own batch write (events, rollups, ledger spend, reservations closed, budget alerts; exact nano-USD, request
 * ids keep it idempotent). One flush runs at a time; records arriving meanwhile wait for the next. If a flush fails, each
 * caller's records are written again on their own with the recorder's retries, so one bad record cannot lose the others.
 * `enqueueUsage` resolves once the caller's records are committed (and rejects if they could not be).
 *
 * Rows that must commit together with a caller's usage (the chat answer it paid for, a generated title) come with it
 * as side writes, and are written in the same transaction as the group's events (db/queries/usage-side-writes.ts).
 *
 * Shutdown: `installUsageDrainOnShutdown()` (called once by the server's startup) makes SIGTERM/SIGINT drain the queue:
 * from then on records are written at once instead of waiting for the next tick, and the queue is flushed until it and
 * the background work feeding it (usage of answers still finishing) are empty. Under `next start`, Next's own handler
 * stops accepting connections, waits for open requests and for their `after()` work — every queued write's promise is
 * such work (runInBackground) — then exits; a process without another handler exits once the drain is done. After the
 * drain the process's budget leases are given back.
 */
export const usageQueue = { intervalMs: flushInterval(), backgroundMs: 50, maxRows: 500, drainTimeoutMs: 20_000 };

/**
 * `USAGE_FLUSH_MS` (1–1000, default 10): how long records wait for others to share their commit. Records nobody waits
 * for (the gateway's: its answer has gone out) wait up to `backgroundMs` (50 ms, or the interval if longer): fewer,
 * larger commits, and fewer pauses for the requests being served meanwhile.
 */
function flushInterval(): number {
  const configured = Number(process.env.USAGE_FLUSH_MS);
  return Number.isInteger(configured) && configured >= 1 && configured <= 1000 ? configured : 10;
}

interface Waiting {
  records: UsageRecord[];
  sideWrites: UsageSideWrite[];
  /** When they should be written by (performance.now()). */
  due: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

let waiting: Waiting[] = [];
let waitingRows = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let timerDue = Infinity;
let flushing: Promise<void> | null = null;
let draining = false;

/**
 * Queues records (and the rows written with them) for the next group commit; resolves when they are committed.
 * `background`: nobody waits for the commit, which may then wait longer to be shared (`backgroundMs`).
 */
export function enqueueUsage(records: UsageRecord[], sideWrites: UsageSideWrite[] = [], { background = false }: { background?: boolean } = {}): Promise<void> {
  if (records.length === 0 && sideWrites.length === 0) return Promise.resolve();
  const due = performance.now() + (background ? Math.max(usageQueue.intervalMs, usageQueue.backgroundMs) : usageQueue.intervalMs);
  return new Promise<void>((resolve, reject) => {
    waiting.push({ records, sideWrites, due, resolve, reject });
    waitingRows += records.length;
    schedule(due);
  });
}

/** How many records wait for a flush (not counting a flush in flight). */
export function queuedUsageRows(): number {
  return waitingRows;
}

/**
 * Sets the flush timer for the earliest due record (`due`: that of the one just queued; else all are looked at, and
 * the timer is set no sooner than an interval from now: records that came during a flush wait for others, as ever).
 */
function schedule(due?: number): void {
  if (flushing) return; // the running flush schedules the next one when it ends
  if (draining || waitingRows >= usageQueue.maxRows) {
    void flushUsageQueue();
    return;
  }
  if (due === undefined) {
    due = Infinity;
    for (const w of waiting) due = Math.min(due, w.due);
    due = Math.max(due, performance.now() + usageQueue.intervalMs);
  }
  if (timer && timerDue <= due) return;
  if (timer) clearTimeout(timer);
  timerDue = due;
  timer = setTimeout(
    () => {
      timer = null;
      timerDue = Infinity;
      void flushUsageQueue();
    },
    Math.max(0, due - performance.now()),
  );
}

/** Takes callers' batches, oldest first, up to `maxRows` records (at least one batch). */
function take(): Waiting[] {
  let rows = 0;
  let count = 0;
  while (count < waiting.length && (count === 0 || rows + waiting[count]!.records.length <= usageQueue.maxRows)) {
    rows += waiting[count]!.records.length;
    count++;
  }
  const taken = waiting.slice(0, count);
  waiting = waiting.slice(count);
  waitingRows -= rows;
  return taken;
}

/** Writes what is queued now (after the flush in flight, if any). Never throws: callers' promises carry the outcome. */
export async function flushUsageQueue(): Promise<void> {
  while (flushing) await flushing;
  if (timer) {
    clearTimeout(timer);
    timer = null;
    timerDue = Infinity;
  }
  if (waiting.length === 0) return;
  const batch = take();
  flushing = write(batch).finally(() => {
    flushing = null;
    if (waiting.length > 0) schedule();
  });
  await flushing;
}

/** Ordered by user, so that concurrent flushes (other processes) lock the users' ledger rows in the same order. */
function byUser(a: UsageRecord, b: UsageRecord): number {
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.finishedAt.getTime() - b.finishedAt.getTime();
}

async function write(batch: Waiting[]): Promise<void> {
  try {
    await writeUsageOnce(batch.flatMap((w) => w.records).sort(byUser), { sideWrites: batch.flatMap((w) => w.sideWrites) });
    for (const w of batch) w.resolve();
    return;
  } catch (error) {
    if (batch.length > 1) logFailure("usage", `group commit of ${batch.length} callers' usage (writing each on its own)`, error);
  }
  // Each caller's records alone, with the recorder's retries (a retry of what did commit adds nothing: request ids).
  await Promise.all(
    batch.map(async (w) => {
      try {
        await recordUsage(w.records, { sideWrites: w.sideWrites });
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }),
  );
}

/** Writes everything queued, including what arrives while it writes. */
async function flushAll(): Promise<void> {
  while (waiting.length > 0 || flushing) await flushUsageQueue();
}

/**
 * Writes everything queued, and what the background work still running (answers finishing) queues. From the first call
 * on, records are written as they arrive (no 5 ms wait). It waits for that background work for at most
 * `drainTimeoutMs`; whatever is queued is always written before it returns, however long that takes.
 */
export async function drainUsageQueue(): Promise<void> {
  draining = true;
  const deadline = performance.now() + usageQueue.drainTimeoutMs;
  for (;;) {
    await flushAll();
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      logFailure("usage", "draining the usage queue", new Error(`background work still running after ${usageQueue.drainTimeoutMs} ms: its usage may be missing`));
      return;
    }
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const settled = await Promise.race([
      waitForBackgroundWork().then(() => true),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), remaining))),
    ]);
    clearTimeout(timeout);
    if (settled && waiting.length === 0 && !flushing) return;
  }
}

let installed = false;

/**
 * Once per process: on SIGTERM or SIGINT, drain the queue. When no other handler listens for the signal (a plain Node
 * process, where ours replaced the default exit), exit afterwards with the signal's code (143 / 130); otherwise the
 * other handler (Next's) decides when to exit.
 */
export function installUsageDrainOnShutdown(): void {
  if (installed) return;
  installed = true;
  let started = false;
  const onSignal = (signal: "SIGTERM" | "SIGINT") => {
    if (started) return;
    started = true;
    const alone = process.listenerCount(signal) === 1;
    void drainUsageQueue()
      .then(releaseIdleLeases)
      .catch((error: unknown) => logFailure("usage", "draining the usage queue", error))
      .finally(() => {
        if (alone) process.exit(signal === "SIGTERM" ? 143 : 130);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
