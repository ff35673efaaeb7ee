/**
 * `npm run dev:demo` — try Spendboard without a provider account, in one command:
 *
 * 1. starts the fake LLM upstream (tools/fake-llm, in this process) on FAKE_LLM_PORT (4010);
 * 2. if the embedded database has no account yet, fills it with a month of demo usage (scripts/seed-demo.ts
 *    --if-empty, in a child process that closes the database before the app opens it: PGlite allows one process per
 *    directory), and gives the demo users test keys for every provider, checked against the fake upstream;
 * 3. starts `next dev` on PORT (3000) with every provider's base URL pointing at the fake upstream, waits for
 *    /api/health and prints the demo logins.
 *
 * Ctrl+C or SIGTERM stops the app and the fake upstream. A second run finds the accounts and seeds nothing.
 * Plain Node child processes (no shell), so it runs the same on Linux, macOS and Windows.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { startFakeLlm } from "@/tools/fake-llm/server";
import { DEMO_PASSWORD, DEMO_USERS } from "./demo-users";

if (process.env.DATABASE_URL?.trim()) {
  console.error("dev:demo runs on the embedded database. Unset DATABASE_URL (or use npm run dev with your own keys).");
  process.exit(1);
}

const require = createRequire(import.meta.url);
const port = Number(process.env.PORT ?? 3000);
const fakePort = Number(process.env.FAKE_LLM_PORT ?? 4010);
const appUrl = `http://localhost:${port}`;

const fake = await startFakeLlm({ port: fakePort }).catch((error: Error) => {
  console.error(`Could not start the fake upstream on port ${fakePort} (${error.message}). Set FAKE_LLM_PORT to a free port.`);
  process.exit(1);
});
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  OPENAI_BASE_URL: fake.baseUrls.openai,
  ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
  GOOGLE_BASE_URL: fake.baseUrls.google,
  OPENROUTER_BASE_URL: fake.baseUrls.openrouter,
};
console.log(`Fake LLM upstream on ${fake.url} (any sk-test-… key works; directives such as [[reply:Hi]] script answers).`);

let app: ChildProcess | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((resolve) => app!.once("exit", resolve));
      app.kill("SIGTERM");
      const timer = setTimeout(() => app?.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await fake.close().catch(() => undefined);
  }
  process.exit(code);
}
process.on("SIGINT", () => void stop(130));
process.on("SIGTERM", () => void stop(143));

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, args, { env, stdio: "inherit" });
}

// 1. Seed (only an empty database) and the demo keys, then let go of the database.
const seed = run([require.resolve("tsx/cli"), "--conditions=react-server", "scripts/seed-demo.ts", "--if-empty", `--compat-base-url=${fake.baseUrls.compat}`]);
app = seed;
const seedCode = await new Promise<number>((resolve) => seed.once("exit", (code) => resolve(code ?? 1)));
if (stopping) await new Promise(() => undefined);
if (seedCode !== 0) {
  console.error("Seeding the demo data failed (see above). Is the app already running on this database? Stop it first.");
  await stop(seedCode);
}

// 2. The app, pointed at the fake upstream.
app = run([require.resolve("next/dist/bin/next"), "dev", "-p", String(port)]);
app.once("exit", (code) => void stop(code ?? 0));

async function waitForHealth(): Promise<boolean> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${appUrl}/api/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}

if (await waitForHealth()) {
  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  console.log(
    [
      "",
      `Spendboard demo: ${appUrl}  (Ctrl+C stops the app and the fake upstream)`,
      `Sign in with password ${DEMO_PASSWORD} as`,
      ...DEMO_USERS.map((u, i) => `  ${u.email.padEnd(width)}  ${i === 0 ? "admin when it seeded an empty database" : "user"}`),
      "Every demo user has a test key for OpenAI, Anthropic, Google, OpenRouter and an OpenAI-compatible endpoint “Local demo”.",
      "",
    ].join("\n"),
  );
}
