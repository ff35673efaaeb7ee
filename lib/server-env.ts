import "server-only";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Where the embedded database and development secrets live (git-ignored). */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.SPENDBOARD_DATA_DIR ?? ".data");
}

/** A production deployment on a real database must be given its secrets; it never invents them. */
export function isProductionServer(): boolean {
  return process.env.NODE_ENV === "production" && Boolean(process.env.DATABASE_URL);
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Returns the secret from `envName`, or — outside a production server — one generated on first use and kept in
 * `.data/<fileName>` so that it survives restarts.
 */
export function secretFromEnvOrDataDir(envName: string, fileName: string, generate: () => string): string {
  const fromEnv = process.env[envName]?.trim();
  if (fromEnv) return fromEnv;
  if (isProductionServer()) {
    throw new ConfigError(`${envName} is not set: a production server with DATABASE_URL needs it (see README).`);
  }
  const file = path.join(/*turbopackIgnore: true*/ dataDir(), fileName);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir(), { recursive: true });
  const value = generate();
  try {
    // "wx": if another process created it meanwhile, keep theirs.
    writeFileSync(file, value + "\n", { mode: 0o600, flag: "wx" });
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
}

export function getAuthSecret(): string {
  return secretFromEnvOrDataDir("AUTH_SECRET", "auth-secret", () => randomBytes(32).toString("base64url"));
}
