import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const EXCLUDE = ["node_modules/**", ".next/**", "e2e/**", ".data/**"];

/** Test files that must not share modules with others (see `projects` below). */
const ISOLATED = [
  "tests/api-tokens/actions.test.ts",
  "tests/registration/registration.test.ts",
  "tests/auth/sign-in.test.ts",
  "tests/http/action.test.ts",
  "tests/http/log.test.ts",
  "tests/http/api-routes.test.ts",
  "tests/api/authorization.test.ts",
  "tests/fuzz/actions.test.ts",
  "tests/fuzz/authorization.test.ts",
  "tests/chat/chat-metering.test.ts",
  "tests/settings/secret-leak.test.ts",
  "tests/settings/settings-actions.test.ts",
];

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-shared-mocks.ts"],
    env: { PASSWORD_HASH_COST: "4", SPENDBOARD_DATA_DIR: path.resolve(import.meta.dirname, ".data/test") },
    // Vitest's default is one worker per core but one; on a 2-core machine that is a single worker, while the tests
    // spend much of their time waiting on the database and the fake upstream: two workers take ~35% less time.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Most files share their worker's module cache (isolate: false): importing Next.js, the AI SDK and the rest again
    // for every file cost more than half of a run. Files whose vi.mock factories close over state of their own (a
    // per-file session holder, injected write failures, request headers) run isolated, or a module another file
    // imported first would keep that file's mock. Shared mocks (tests/support/chat.ts mockAuth()) read a global.
    projects: [
      { extends: true, test: { name: "isolated", include: ISOLATED, isolate: true } },
      { extends: true, test: { name: "shared", include: ["**/*.test.ts"], exclude: [...EXCLUDE, ...ISOLATED], isolate: false } },
    ],
  },
});
