/**
 * `npm run db:seed-demo` — fills the EMBEDDED database with a realistic month of demo usage for a few demo users, so
 * the dashboards have something to show right after `npm run dev`. Stop the app first (PGlite allows one process per
 * directory). It refuses to touch a DATABASE_URL unless given `--allow-database-url`, and is never run automatically.
 * Running it again adds another month on top (what is seeded: scripts/demo-data.ts).
 *
 * `--if-empty --compat-base-url=<url>` is what `npm run dev:demo` runs: the month only into a database without any
 * account, then test keys for the demo users (checked against the provider base URLs in the environment).
 */
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "@/db/client";
import { ensureDemoData, seedDemoUsage } from "./demo-data";

const config = resolveDatabaseConfig();
if (config.kind !== "pglite" && !process.argv.includes("--allow-database-url")) {
  console.error("db:seed-demo fills the embedded database only. DATABASE_URL is set: pass --allow-database-url if you really mean it.");
  process.exit(1);
}
const ifEmpty = process.argv.includes("--if-empty");
const compatBaseUrl = process.argv.find((arg) => arg.startsWith("--compat-base-url="))?.split("=", 2)[1];
if (ifEmpty && !compatBaseUrl) {
  console.error("--if-empty needs --compat-base-url=<the fake upstream's OpenAI-compatible base URL>.");
  process.exit(1);
}

const handle = await openDatabase(config);
try {
  if (config.kind === "pglite") await migrateDatabase(handle);
  installDatabase(handle);
  if (ifEmpty) {
    const { seeded, keysAdded } = await ensureDemoData({ compatBaseUrl: compatBaseUrl! });
    console.log(`${seeded ? "Demo data is in." : "Demo data left as it was."} ${keysAdded} demo key(s) added.`);
  } else {
    await seedDemoUsage();
    console.log("Demo data is in. Sign in as one of the demo users, or with your own account (admins see everyone on /admin).");
  }
} catch (error) {
  console.error(`Seeding failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  uninstallDatabase();
  await handle.close();
}
