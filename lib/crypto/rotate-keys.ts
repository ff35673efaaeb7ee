import "server-only";
import { listAllEncryptedKeys, replaceEncryptedKey } from "@/db/queries/provider-keys";
import { decryptSecret, encryptSecret, masterKeys, needsRotation, type MasterKey } from "./key-vault";

/** Re-encrypts every stored provider key with the first master key. Returns how many were rewritten. */
export async function rotateStoredKeys(keys: MasterKey[] = masterKeys()): Promise<{ rotated: number; total: number }> {
  const rows = await listAllEncryptedKeys();
  let rotated = 0;
  for (const row of rows) {
    if (!needsRotation(row.encryptedKey, keys)) continue;
    const plaintext = decryptSecret(row.encryptedKey, row.userId, keys);
    await replaceEncryptedKey({ id: row.id, encryptedKey: encryptSecret(plaintext, row.userId, keys) });
    rotated += 1;
  }
  return { rotated, total: rows.length };
}
