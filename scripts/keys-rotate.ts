import { installDatabase } from "@/db";
import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "@/db/client";
import { rotateStoredKeys } from "@/lib/crypto/rotate-keys";

/**
 * `npm run keys:rotate` — re-encrypts every stored provider key with the first key of KEY_ENCRYPTION_KEYS.
 * With the embedded database, stop the app first: PGlite allows one process per directory.
 */
const config = resolveDatabaseConfig();
const handle = await openDatabase(config);
try {
  if (config.kind === "pglite") await migrateDatabase(handle);
  installDatabase(handle);
  const { rotated, total } = await rotateStoredKeys();
  console.log(`Re-encrypted ${rotated} of ${total} stored keys with the current master key.`);
} catch (error) {
  console.error(`Rotation failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
