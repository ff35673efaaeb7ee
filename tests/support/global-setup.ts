import { existsSync } from "node:fs";
import pg from "pg";
import { buildTemplate, ensurePostgresTemplate, templatePath } from "./db-template";

/**
 * Builds the migrated template test databases start from (tests/support/db-template.ts). Before a run against a
 * PostgreSQL server, also drops test databases that crashed runs left behind (older than 1 h).
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL?.trim();
  if (!serverUrl) {
    // Build the migrated PGlite template once, before the workers start copying it.
    if (!existsSync(templatePath())) await buildTemplate();
    return;
  }
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'sb\\_test\\_%'",
    );
    const cutoff = Date.now() / 1000 - 3600;
    for (const { datname } of rows) {
      const createdAt = Number(datname.split("_")[2]);
      if (Number.isFinite(createdAt) && createdAt < cutoff) {
        await client.query(`drop database if exists "${datname}" with (force)`);
      }
    }
  } finally {
    await client.end();
  }
  await ensurePostgresTemplate(serverUrl);
}
