import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { providerKeys } from "@/db/schema";
import { removeProviderKey, saveProviderKey } from "@/lib/settings/provider-keys";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";
import { newUser, pointProvidersAt } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

const db = freshDatabasePerFile();
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => pointProvidersAt(fake));

const keysOf = (userId: string) => db.current().db.select().from(providerKeys).where(eq(providerKeys.userId, userId));

describe("a key change and its audit row commit together", () => {
  it("a failing audit write leaves no key stored, and no key deleted", async () => {
    const user = await newUser("atomic");
    const failingAudit = async () => {
      throw new Error("audit write failed (simulated)");
    };
    await expect(saveProviderKey(user.id, { provider: "openai", apiKey: "sk-test-atomic-0001" } as never, failingAudit)).rejects.toThrow("simulated");
    expect(await keysOf(user.id)).toHaveLength(0);

    const saved = await saveProviderKey(user.id, { provider: "openai", apiKey: "sk-test-atomic-0002" } as never);
    await expect(removeProviderKey(user.id, saved.key.id, failingAudit)).rejects.toThrow("simulated");
    expect((await keysOf(user.id)).map((k) => k.keyLast4)).toEqual(["0002"]);
  });
});
