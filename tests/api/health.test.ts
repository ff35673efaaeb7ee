import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase } from "@/db/client";

describe("GET /api/health", () => {
  afterAll(() => uninstallDatabase());

  it("answers 503 until the database is migrated, then 200", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "spendboard-health-"));
    const handle = await openDatabase({ kind: "pglite", dir });
    try {
      installDatabase(handle, "not_migrated");
      const before = await GET();
      expect(before.status).toBe(503);
      expect(await before.json()).toEqual({ ok: false, database: "pglite", status: "not_migrated" });

      await migrateDatabase(handle);
      const after = await GET();
      expect(after.status).toBe(200);
      expect(await after.json()).toEqual({ ok: true, database: "pglite" });
    } finally {
      uninstallDatabase();
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
