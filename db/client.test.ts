import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "./client";
import { isMigrated } from "./index";

describe("resolveDatabaseConfig", () => {
  it("uses embedded PGlite when DATABASE_URL is unset", () => {
    expect(resolveDatabaseConfig({ PGLITE_DIR: "/tmp/x" })).toEqual({ kind: "pglite", dir: "/tmp/x" });
    const fallback = resolveDatabaseConfig({ SPENDBOARD_DATA_DIR: "/srv/sb" });
    expect(fallback).toEqual({ kind: "pglite", dir: path.resolve(process.env.SPENDBOARD_DATA_DIR ?? ".data", "pglite") });
  });

  it("uses node-postgres for a server and Neon for a neon.tech host", () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: "postgres://u@127.0.0.1:5432/db" }).kind).toBe(
      "postgres",
    );
    expect(
      resolveDatabaseConfig({ DATABASE_URL: "postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/db" })
        .kind,
    ).toBe("neon");
    expect(resolveDatabaseConfig({ DATABASE_URL: "postgres://u@notneon.tech.example/db" }).kind).toBe(
      "postgres",
    );
  });

  it("refuses a URL that is not postgres://", () => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "mysql://x@y/z" })).toThrow(/postgres:\/\//);
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "not a url" })).toThrow(/postgres:\/\//);
  });
});

describe("embedded database", () => {
  it("creates missing parent directories and reports migration state", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "spendboard-pglite-"));
    const handle = await openDatabase({ kind: "pglite", dir: path.join(root, "nested/deeper/pglite") });
    try {
      expect(await isMigrated(handle.db)).toBe(false);
      await migrateDatabase(handle);
      expect(await isMigrated(handle.db)).toBe(true);
      await migrateDatabase(handle); // idempotent
      expect(await isMigrated(handle.db)).toBe(true);
    } finally {
      await handle.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
