import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError, getAuthSecret, secretFromEnvOrDataDir } from "./server-env";

describe("development secrets", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "spendboard-secrets-"));
    vi.stubEnv("SPENDBOARD_DATA_DIR", path.join(dir, "nested/.data"));
    vi.stubEnv("AUTH_SECRET", "");
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("NODE_ENV", "development");
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it("generates AUTH_SECRET once into the data directory and keeps it", async () => {
    const first = getAuthSecret();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(dir, "nested/.data/auth-secret");
    expect((await readFile(file, "utf8")).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(getAuthSecret()).toBe(first);
  });

  it("prefers the environment", () => {
    vi.stubEnv("AUTH_SECRET", "from-the-environment");
    expect(getAuthSecret()).toBe("from-the-environment");
  });

  it("refuses to invent a secret for a production server on a real database", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("DATABASE_URL", "postgres://u@db.internal/app");
    expect(() => getAuthSecret()).toThrow(ConfigError);
    expect(() => getAuthSecret()).toThrow("AUTH_SECRET is not set: a production server with DATABASE_URL needs it (see README).");
  });

  it("still generates one for `npm start` on the embedded database", () => {
    vi.stubEnv("NODE_ENV", "production");
    expect(secretFromEnvOrDataDir("SOME_SECRET", "some-secret", () => "generated")).toBe("generated");
  });
});
