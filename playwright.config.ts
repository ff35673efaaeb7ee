import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * E2E runs against the production build (`next start`) on a fresh embedded database, with the fake LLM upstream.
 * Run `npm run build` first. The browser: CHROMIUM_PATH, else /usr/bin/chromium when it exists, else Playwright's own.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
/** A second server on a database filled by `npm run db:seed-demo`, for the admin journeys and the screenshots. */
const demoPort = Number(process.env.E2E_DEMO_PORT ?? 3101);
const fakeLlmPort = Number(process.env.E2E_FAKE_LLM_PORT ?? 4110);
const baseURL = `http://127.0.0.1:${port}`;
const fakeLlmUrl = `http://127.0.0.1:${fakeLlmPort}`;

// Fresh database for every run; computed once in the main process, inherited by the workers.
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = path.resolve(".data/e2e");
  rmSync(process.env.E2E_DATA_DIR, { recursive: true, force: true });
}
const dataDir = process.env.E2E_DATA_DIR;

const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: executablePath
        ? [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
          ]
        : [],
    },
  },
  projects: [
    // Runs first, on the empty database: the first account becomes admin.
    { name: "first-account", testMatch: /first-account\.spec\.ts/ },
    { name: "chromium", testIgnore: /(first-account|demo)\.spec\.ts/, dependencies: ["first-account"] },
    { name: "demo", testMatch: /demo\.spec\.ts/, use: { baseURL: `http://127.0.0.1:${demoPort}` } },
  ],
  webServer: [
    {
      command: `npx tsx tools/fake-llm/cli.ts`,
      url: `${fakeLlmUrl}/health`,
      env: { FAKE_LLM_PORT: String(fakeLlmPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `npx next start -p ${port} -H 127.0.0.1`,
      url: `${baseURL}/api/health`,
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        SPENDBOARD_DATA_DIR: dataDir,
        PGLITE_DIR: path.join(dataDir, "pglite"),
        DATABASE_URL: "",
        AUTH_SECRET: "e2e-only-secret-not-for-production-0123456789",
        AUTH_URL: baseURL,
        OPENAI_BASE_URL: `${fakeLlmUrl}/openai/v1`,
        ANTHROPIC_BASE_URL: `${fakeLlmUrl}/anthropic/v1`,
        GOOGLE_BASE_URL: `${fakeLlmUrl}/google/v1beta`,
        OPENROUTER_BASE_URL: `${fakeLlmUrl}/openrouter/v1`,
      },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
    },
    {
      // Seeded before it starts: PGlite allows one process per directory.
      command: `npx tsx --conditions=react-server scripts/seed-demo.ts && npx next start -p ${demoPort} -H 127.0.0.1`,
      url: `http://127.0.0.1:${demoPort}/api/health`,
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        SPENDBOARD_DATA_DIR: path.join(dataDir, "demo"),
        PGLITE_DIR: path.join(dataDir, "demo", "pglite"),
        DATABASE_URL: "",
        AUTH_SECRET: "e2e-only-secret-not-for-production-0123456789",
        AUTH_URL: `http://127.0.0.1:${demoPort}`,
        OPENAI_BASE_URL: `${fakeLlmUrl}/openai/v1`,
        ANTHROPIC_BASE_URL: `${fakeLlmUrl}/anthropic/v1`,
        GOOGLE_BASE_URL: `${fakeLlmUrl}/google/v1beta`,
        OPENROUTER_BASE_URL: `${fakeLlmUrl}/openrouter/v1`,
      },
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "pipe",
    },
  ],
});
