import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "@/db/client";

/** `npm run db:migrate` — applies db/migrations to the database chosen by DATABASE_URL (or the embedded one). */
const config = resolveDatabaseConfig();
const started = performance.now();
const handle = await openDatabase(config);
try {
  await migrateDatabase(handle);
  console.log(`Migrated the ${config.kind} database in ${Math.round(performance.now() - started)} ms.`);
} catch (error) {
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
