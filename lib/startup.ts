import "server-only";
import { startDatabase } from "@/db";
import { masterKeys } from "./crypto/key-vault";
import { ConfigError, getAuthSecret } from "./server-env";
import { installUsageDrainOnShutdown } from "./usage/usage-queue";

/**
 * Checks the secrets (refusing to start without them in production), makes SIGTERM/SIGINT drain the usage queue, and
 * opens and migrates the database.
 */
export function startServer(): void {
  try {
    getAuthSecret();
    masterKeys();
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof Error && error.name === "KeyVaultError")) {
      console.error(`Spendboard cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  installUsageDrainOnShutdown();
  const started = performance.now();
  const state = startDatabase();
  state.ready.then(
    () =>
      state.status === "not_migrated"
        ? console.warn(`[db] the ${state.kind} database is not migrated: run \`npm run db:migrate\` (or set DB_MIGRATE_ON_START=true)`)
        : console.log(`[db] ${state.kind} ${state.status} after ${Math.round(performance.now() - started)} ms`),
    () => undefined, // startDatabase logged why; /api/health answers 503
  );
}
