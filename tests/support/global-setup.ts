import { existsSync } from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { buildTemplate, ensurePostgresTemplate, templatePath } from "./db-template";
import { startNeonPipe } from "./neon-pipe";

declare module "vitest" {
  export interface ProvidedContext {
    /** The port of the WebSocket-to-TCP pipe the Neon driver goes through (TEST_DATABASE_DRIVER=neon), else 0. */
    neonPipePort: number;
  }
}

/**
 * Builds the migrated template test databases start from (tests/support/db-template.ts). Before a run against a
 * PostgreSQL server, also drops test databases that crashed runs left behind (older than 1 h), and with
 * TEST_DATABASE_DRIVER=neon starts the pipe (tests/support/neon-pipe.ts) the test databases are opened through.
 */
export default async function globalSetup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const serverUrl = process.env.TEST_DATABASE_URL?.trim();
  const driver = process.env.TEST_DATABASE_DRIVER?.trim() || "pg";
  if (driver !== "pg" && driver !== "neon") throw new Error(`TEST_DATABASE_DRIVER must be "pg" or "neon" (got "${driver}").`);
  if (driver === "neon" && !serverUrl) throw new Error("TEST_DATABASE_DRIVER=neon needs TEST_DATABASE_URL (the PostgreSQL server the pipe forwards to).");
  project.provide("neonPipePort", 0);
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
  if (driver !== "neon") return;
  const server = new URL(serverUrl);
  const pipe = await startNeonPipe({ allow: [`${server.hostname}:${server.port || 5432}`] });
  project.provide("neonPipePort", pipe.port);
  return () => pipe.close();
}
