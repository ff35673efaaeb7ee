import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateDatabase, MIGRATIONS_FOLDER, openDatabase } from "@/db/client";

/**
 * Test databases start from a copy of one migrated database instead of running every migration per test file.
 * Templates are named by a hash of the migrations, so a changed migration makes a new one; the global setup builds
 * them once per run.
 *
 * - PGlite: a `dumpDataDir()` tarball in the system's temp directory, loaded into an in-memory PGlite (about 1 s per
 *   file instead of 3–6 s for initdb and the migrations). A worker that finds none builds it itself.
 * - PostgreSQL: a database `sb_tpl_<hash>`, copied with `create database … template` (templates of older migrations
 *   are dropped).
 */
function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: "utf8" }).sort()) {
    const full = path.join(MIGRATIONS_FOLDER, file);
    if (file.endsWith(".sql") || file.endsWith(".json")) hash.update(file).update(readFileSync(full));
  }
  return hash.digest("hex").slice(0, 16);
}

export function templatePath(): string {
  return path.join(os.tmpdir(), `spendboard-test-template-${migrationsHash()}.tar`);
}

export const POSTGRES_TEMPLATE_PREFIX = "sb_tpl_";

export function postgresTemplateName(): string {
  return `${POSTGRES_TEMPLATE_PREFIX}${migrationsHash()}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const STALE_TEMPLATE_MS = 24 * 3_600_000;

/**
 * Makes sure the migrated PostgreSQL template of the current migrations exists. Templates of other migrations are
 * dropped a day after they were made (not at once: another checkout's run may be copying one right now).
 */
export async function ensurePostgresTemplate(serverUrl: string): Promise<string> {
  const name = postgresTemplateName();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string; made: string | null }>(
      "select datname, shobj_description(oid, 'pg_database') as made from pg_database where datname like 'sb\\_tpl\\_%'",
    );
    // (A template still being built has no comment yet: never touched here.)
    const stale = rows.filter((r) => r.datname !== name && r.made !== null && Number(r.made) < Date.now() - STALE_TEMPLATE_MS);
    for (const { datname } of stale) await admin.query(`drop database if exists "${datname}" with (force)`);
    if (rows.some((r) => r.datname === name)) return name;
    const building = `${name}_${randomBytes(4).toString("hex")}`;
    await admin.query(`create database "${building}"`);
    const handle = await openDatabase({ kind: "postgres", url: withDatabase(serverUrl, building) });
    try {
      await migrateDatabase(handle);
    } finally {
      await handle.close();
    }
    // Renamed when complete, so a half-migrated template is never copied.
    await admin.query(`comment on database "${building}" is '${Date.now()}'`);
    try {
      await admin.query(`alter database "${building}" rename to "${name}"`);
    } catch (error) {
      // Another run finished the same template first: use theirs.
      await admin.query(`drop database if exists "${building}" with (force)`);
      if ((error as { code?: string }).code !== "42P04") throw error;
    }
    return name;
  } finally {
    await admin.end();
  }
}

export async function buildTemplate(file = templatePath()): Promise<Blob> {
  const handle = await openDatabase({ kind: "pglite" });
  try {
    await migrateDatabase(handle);
    const client = (handle.db as unknown as { $client: { dumpDataDir(compression: "none"): Promise<Blob> } }).$client;
    const image = await client.dumpDataDir("none");
    // Written aside and renamed: a parallel reader never sees half a file.
    const partial = `${file}.${randomBytes(4).toString("hex")}.partial`;
    await writeFile(partial, Buffer.from(await image.arrayBuffer()));
    await rename(partial, file);
    return image;
  } finally {
    await handle.close();
  }
}

let cached: Promise<Blob> | undefined;

/** The migrated template, read once per test file's module graph. */
export function migratedTemplate(): Promise<Blob> {
  cached ??= (async () => {
    const file = templatePath();
    try {
      return new Blob([await readFile(file)]);
    } catch {
      return buildTemplate(file);
    }
  })();
  return cached;
}
