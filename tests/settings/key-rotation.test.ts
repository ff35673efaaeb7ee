import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { upsertProviderKey } from "@/db/queries/provider-keys";
import { providerKeys } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import { decryptSecret, encryptSecret, keyIdOf, parseMasterKeys } from "@/lib/crypto/key-vault";
import { rotateStoredKeys } from "@/lib/crypto/rotate-keys";
import { freshDatabasePerFile } from "@/tests/support/test-db";

const db = freshDatabasePerFile();

describe("npm run keys:rotate", () => {
  it("re-encrypts stored keys with the new first master key, leaving them readable", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("base64");
    const before = parseMasterKeys(oldKey);
    const after = parseMasterKeys(`${newKey},${oldKey}`);

    const stored: { id: string; userId: string; secret: string }[] = [];
    for (const provider of ["openai", "anthropic"] as const) {
      const user = await registerWithPassword({ email: `k-${randomUUID()}@example.test`, password: "password-123" });
      const secret = `sk-test-rotate-${provider}-${randomUUID().slice(0, 8)}`;
      const row = await upsertProviderKey({
        userId: user.id,
        provider,
        name: provider,
        baseUrl: null,
        encryptedKey: encryptSecret(secret, user.id, before),
        keyLast4: secret.slice(-4),
        status: "valid",
        statusMessage: null,
        models: null,
        lastVerifiedAt: null,
      });
      stored.push({ id: row.id, userId: user.id, secret });
    }

    const first = await rotateStoredKeys(after);
    expect(first.rotated).toBeGreaterThanOrEqual(2);
    for (const { id, userId, secret } of stored) {
      const [row] = await db.current().db.select().from(providerKeys).where(eq(providerKeys.id, id));
      expect(keyIdOf(row!.encryptedKey!)).toBe(after[0]!.id);
      expect(decryptSecret(row!.encryptedKey!, userId, [after[0]!])).toBe(secret);
    }
    // running it again has nothing left to do
    expect((await rotateStoredKeys(after)).rotated).toBe(0);
  });
});
