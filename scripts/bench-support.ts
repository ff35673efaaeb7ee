/** What the benchmark scripts share: percentiles, a `next start` they own, session cookies, SQL on the server. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { fakeBaseUrls, startFakeLlm, type FakeProviderName } from "@/tools/fake-llm/server";

/** The p-th percentile (nearest rank) of the samples. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Starts `next start` (the production build) on 127.0.0.1:port with this environment and waits until it is healthy.
 * The Next.js CLI runs directly (not through npx), so that `stop()` really stops the server.
 */
export async function startNextServer(port: number, env: NodeJS.ProcessEnv): Promise<{ base: string; stop: () => Promise<void>; cpuMs: () => number }> {
  const base = `http://127.0.0.1:${port}`;
  if (await fetch(`${base}/api/health`).then(() => true, () => false)) {
    throw new Error(`something already listens on port ${port}; stop it or set BENCH_PORT`);
  }
  // Idle connections kept 65 s (Node's default is 5 s): a client reusing one just as the server closes it gets
  // ECONNRESET, which busy machines (late timers) hit under parallel load.
  const args = ["start", "-p", String(port), "-H", "127.0.0.1", "--keepAliveTimeout", "65000"];
  const { child, stop } = await spawnUntilHealthy(
    [path.resolve("node_modules/next/dist/bin/next"), ...args],
    env,
    `${base}/api/health`,
    "the server did not become healthy in 60 s (did you run `npm run build`?)",
  );
  return { base, stop, cpuMs: () => processCpuMs(child.pid!) };
}

/** Starts `node <args>` and waits up to 60 s until `healthUrl` answers OK; `stop()` ends it (SIGTERM) and waits. */
async function spawnUntilHealthy(args: string[], env: NodeJS.ProcessEnv, healthUrl: string, failure: string) {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  const stop = async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
  };
  for (let i = 0; ; i++) {
    if (await fetch(healthUrl).then((r) => r.ok, () => false)) return { child, stop };
    if (i > 240) {
      await stop();
      throw new Error(failure);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux). Unlike latency, it hardly moves when
 * other virtual machines steal the host's cores, so a change's effect shows even on a noisy machine. NaN elsewhere.
 */
export function processCpuMs(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/**
 * A session cookie for this user, signed with the server's AUTH_SECRET (as Auth.js issues it on sign-in over http).
 * It names a `user_sessions` row (`sid`) and the user's session version (`sv`), as every token must.
 */
export async function sessionCookie(session: { userId: string; role: string; sessionId: string; sessionVersion: number }, secret: string): Promise<string> {
  const token = { sub: session.userId, role: session.role, sid: session.sessionId, sv: session.sessionVersion };
  return `authjs.session-token=${await encode({ token, secret, salt: "authjs.session-token" })}`;
}

/** Runs one statement on a PostgreSQL server (creating and dropping the bench databases). */
export async function runOnServer(serverUrl: string, sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/**
 * The fake upstream a benchmark measures against. By default it runs in the benchmark's own process; with
 * BENCH_UPSTREAM=process it runs in a process of its own (`npm run fake-llm`), as a real provider does: the direct
 * baseline then crosses a process boundary too, as every call through our server does on its way to the upstream.
 */
export async function startBenchUpstream(port: number): Promise<{ baseUrls: Record<FakeProviderName, string>; where: string; close: () => Promise<void> }> {
  if (process.env.BENCH_UPSTREAM !== "process") {
    const fake = await startFakeLlm();
    return { baseUrls: fake.baseUrls, where: "in the benchmark's process", close: fake.close };
  }
  const url = `http://127.0.0.1:${port}`;
  const { stop: close } = await spawnUntilHealthy(
    [path.resolve("node_modules/tsx/dist/cli.mjs"), path.resolve("tools/fake-llm/cli.ts")],
    { ...process.env, FAKE_LLM_PORT: String(port), NODE_OPTIONS: "" },
    `${url}/health`,
    `the fake upstream did not start on port ${port} in 60 s`,
  );
  return { baseUrls: fakeBaseUrls(url), where: "in a process of its own", close };
}
