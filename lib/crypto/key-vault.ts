import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { secretFromEnvOrDataDir } from "@/lib/server-env";

/**
 * Provider keys at rest: AES-256-GCM, a random 96-bit nonce per encryption, the owner's user id as associated data
 * (a ciphertext copied onto another user's row does not decrypt), and the id of the master key that encrypted it.
 *
 * Stored form: `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url parts). The key id is the first 8 bytes of the
 * SHA-256 of the master key, so rotating means: put a new key first in KEY_ENCRYPTION_KEYS (comma-separated
 * base64 32-byte keys), keep the old ones after it, run `npm run keys:rotate`, then drop the old ones.
 */

const FORMAT = "v1";

export interface MasterKey {
  id: string;
  key: Buffer;
}

export class KeyVaultError extends Error {
  override name = "KeyVaultError";
}

export function parseMasterKeys(value: string): MasterKey[] {
  const keys = value
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((encoded, index) => {
      const key = Buffer.from(encoded, "base64");
      if (key.length !== 32) {
        throw new KeyVaultError(`KEY_ENCRYPTION_KEYS entry ${index + 1} is not a base64 32-byte key.`);
      }
      return { id: createHash("sha256").update(key).digest("base64url").slice(0, 11), key };
    });
  if (keys.length === 0) throw new KeyVaultError("KEY_ENCRYPTION_KEYS is empty.");
  return keys;
}

/** The master keys: KEY_ENCRYPTION_KEYS, or in development one generated into .data/ on first use. */
export function masterKeys(): MasterKey[] {
  return parseMasterKeys(
    secretFromEnvOrDataDir("KEY_ENCRYPTION_KEYS", "key-encryption-key", () => randomBytes(32).toString("base64")),
  );
}

export function encryptSecret(plaintext: string, userId: string, keys: MasterKey[] = masterKeys()): string {
  const master = keys[0]!;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", master.key, nonce);
  cipher.setAAD(Buffer.from(userId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT, master.id, nonce.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
}

export function keyIdOf(stored: string): string | undefined {
  const [format, keyId] = stored.split(".");
  return format === FORMAT ? keyId : undefined;
}

export function decryptSecret(stored: string, userId: string, keys: MasterKey[] = masterKeys()): string {
  const [format, keyId, nonce, ciphertext, tag, ...rest] = stored.split(".");
  if (format !== FORMAT || !keyId || !nonce || ciphertext === undefined || !tag || rest.length > 0) {
    throw new KeyVaultError("The stored key is not in a format this version can read.");
  }
  const master = keys.find((k) => k.id === keyId);
  if (!master) throw new KeyVaultError(`The stored key was encrypted with a master key (${keyId}) that is not configured.`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", master.key, Buffer.from(nonce, "base64url"));
    decipher.setAAD(Buffer.from(userId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new KeyVaultError("The stored key could not be decrypted (wrong owner or tampered data).");
  }
}

/** Whether a stored value needs re-encrypting with the current first master key. */
export function needsRotation(stored: string, keys: MasterKey[] = masterKeys()): boolean {
  return keyIdOf(stored) !== keys[0]!.id;
}

/** What the UI may show of a key. */
export function last4(plaintext: string): string {
  return plaintext.slice(-4);
}
