/**
 * The child process of tests/gateway/drain.test.ts: a process with the usage queue and its shutdown drain, on the
 * database its environment names (DATABASE_URL, or the embedded one in PGLITE_DIR). Queues RECORDS records for USER_ID
 * (priced COST_BASE + i nano-USD) with a timer that would not flush for a minute, starts background work that queues
 * 10 more 300 ms later (an answer still finishing), prints `queued <n>` and waits for a signal. Run with
 * `node --conditions=react-server --import tsx`.
 */
import { runInBackground } from "@/lib/usage/background";
import type { UsageRecord } from "@/lib/usage/recorder";
import { enqueueUsage, installUsageDrainOnShutdown, queuedUsageRows, usageQueue } from "@/lib/usage/usage-queue";

const userId = process.env.USER_ID!;
const count = Number(process.env.RECORDS);
const base = Number(process.env.COST_BASE);
const at = new Date();

const record = (i: number): UsageRecord => ({
  requestId: `drain-${process.pid}-${i}`,
  userId,
  provider: "openai",
  model: "gpt-4o-mini",
  feature: "api",
  source: "gateway",
  keySource: "user",
  usage: { inputNoCache: 10, cacheRead: 0, cacheWrite: 0, output: 20, reasoning: 0 },
  costNano: base + i,
  costSource: "price_book",
  estimated: false,
  status: "ok",
  latencyMs: 2,
  startedAt: at,
  finishedAt: at,
});

installUsageDrainOnShutdown();
usageQueue.intervalMs = 60_000;
for (let i = 0; i < count; i++) void enqueueUsage([record(i)]).catch((error: unknown) => console.error("lost", i, error));
runInBackground("an answer still finishing", async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await Promise.all(Array.from({ length: 10 }, (_, i) => enqueueUsage([record(count + i)])));
});
console.log(`queued ${queuedUsageRows()}`);
// Keep the process alive until a signal: the queue's timer alone would, but do not rely on it.
setInterval(() => undefined, 60_000);
