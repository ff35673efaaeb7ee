import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**"],
    environment: "node",
    globalSetup: ["tests/support/global-setup.ts"],
    env: { PASSWORD_HASH_COST: "4", SPENDBOARD_DATA_DIR: path.resolve(import.meta.dirname, ".data/test") },
    // Vitest's default is one worker per core but one; on a 2-core machine that is a single worker, while the tests
    // spend much of their time waiting on the database and the fake upstream: two workers take ~35% less time.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
