import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, keyIdOf, KeyVaultError, needsRotation, parseMasterKeys } from "./key-vault";

const newKey = () => randomBytes(32).toString("base64");
const SECRET = "sk-test-vault-0123456789abcdef";

describe("key vault", () => {
  const keys = parseMasterKeys(newKey());
  const owner = randomUUID();

  it("round-trips a key for its owner, with a fresh nonce each time", () => {
    const a = encryptSecret(SECRET, owner, keys);
    const b = encryptSecret(SECRET, owner, keys);
    expect(a).not.toBe(b);
    expect(a).not.toContain(SECRET);
    expect(a.startsWith(`v1.${keys[0]!.id}.`)).toBe(true);
    expect(decryptSecret(a, owner, keys)).toBe(SECRET);
    expect(decryptSecret(b, owner, keys)).toBe(SECRET);
  });

  it("refuses to decrypt with another user's id as associated data", () => {
    const stored = encryptSecret(SECRET, owner, keys);
    expect(() => decryptSecret(stored, randomUUID(), keys)).toThrow(KeyVaultError);
  });

  it("detects tampering", () => {
    const stored = encryptSecret(SECRET, owner, keys);
    const parts = stored.split(".");
    const ct = Buffer.from(parts[3]!, "base64url");
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString("base64url");
    expect(() => decryptSecret(parts.join("."), owner, keys)).toThrow(KeyVaultError);
    expect(() => decryptSecret("garbage", owner, keys)).toThrow(KeyVaultError);
  });

  it("decrypts with any configured key and encrypts with the first (rotation)", () => {
    const oldKeys = parseMasterKeys(newKey());
    const stored = encryptSecret(SECRET, owner, oldKeys);
    const rotated = parseMasterKeys(`${newKey()},${oldKeys[0]!.key.toString("base64")}`);
    expect(needsRotation(stored, rotated)).toBe(true);
    expect(decryptSecret(stored, owner, rotated)).toBe(SECRET);
    const reEncrypted = encryptSecret(decryptSecret(stored, owner, rotated), owner, rotated);
    expect(keyIdOf(reEncrypted)).toBe(rotated[0]!.id);
    expect(needsRotation(reEncrypted, rotated)).toBe(false);
    // once the old key is dropped, the old ciphertext cannot be read, the new one can
    const newOnly = [rotated[0]!];
    expect(() => decryptSecret(stored, owner, newOnly)).toThrow(/not configured/);
    expect(decryptSecret(reEncrypted, owner, newOnly)).toBe(SECRET);
  });

  it("refuses master keys of the wrong size", () => {
    expect(() => parseMasterKeys(randomBytes(16).toString("base64"))).toThrow(/32-byte/);
    expect(() => parseMasterKeys("  ")).toThrow(/empty/);
  });
});
