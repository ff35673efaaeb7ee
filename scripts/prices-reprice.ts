import { installDatabase } from "@/db";
import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "@/db/client";
import { repriceUnpricedUsage } from "@/lib/pricing/reprice";

/**
 * `npm run prices:reprice` — prices past usage of models that had no price, from the price book and the admins'
 * overrides as they are now. (Saving an override in Admin → Models and prices does this for its provider already.)
 * With the embedded database, stop the app first: PGlite allows one process per directory.
 */
const config = resolveDatabaseConfig();
const handle = await openDatabase(config);
try {
  if (config.kind === "pglite") await migrateDatabase(handle);
  installDatabase(handle);
  const { repriced, stillUnpriced } = await repriceUnpricedUsage();
  console.log(`Priced ${repriced} past calls; ${stillUnpriced} still have no price (add an override for their model).`);
} catch (error) {
  console.error(`Re-pricing failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
