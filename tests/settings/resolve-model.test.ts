import { randomUUID } from "node:crypto";
import { generateText } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { upsertProviderKey } from "@/db/queries/provider-keys";
import { setSystemKeyPolicy } from "@/db/queries/prices";
import { setDefaultModel } from "@/db/queries/settings";
import { registerWithPassword } from "@/lib/auth/accounts";
import { encryptSecret } from "@/lib/crypto/key-vault";
import { AppError } from "@/lib/errors";
import { resolveUserModel } from "@/lib/providers/resolve-model";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";
import { freshDatabasePerFile } from "@/tests/support/test-db";

freshDatabasePerFile();
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => {
  vi.stubEnv("OPENAI_BASE_URL", `${fake.url}/openai/v1`);
  vi.stubEnv("OPENAI_API_KEY", "");
  vi.stubEnv("ANTHROPIC_API_KEY", "");
  vi.stubEnv("DEFAULT_MODEL", "");
});

async function newUser() {
  return registerWithPassword({ email: `r-${randomUUID()}@example.test`, password: "password-123" });
}

async function giveKey(userId: string, provider: "openai" | "anthropic", apiKey: string) {
  return upsertProviderKey({
    userId,
    provider,
    name: provider,
    baseUrl: null,
    encryptedKey: encryptSecret(apiKey, userId),
    keyLast4: apiKey.slice(-4),
    status: "valid",
    statusMessage: null,
    models: null,
    lastVerifiedAt: new Date(),
  });
}

async function expectError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe("resolveUserModel precedence", () => {
  it("asks for a model when there is no override, default or DEFAULT_MODEL", async () => {
    const user = await newUser();
    await expectError(resolveUserModel(user.id), "model_required");
  });

  it("override > user default > DEFAULT_MODEL", async () => {
    const user = await newUser();
    await giveKey(user.id, "openai", "sk-test-precedence-0001");
    vi.stubEnv("DEFAULT_MODEL", "openai:gpt-4.1");
    expect((await resolveUserModel(user.id)).modelId).toBe("gpt-4.1");
    await setDefaultModel({ userId: user.id, defaultModel: "openai:gpt-4o" });
    expect((await resolveUserModel(user.id)).modelId).toBe("gpt-4o");
    const resolved = await resolveUserModel(user.id, { override: "openai:gpt-4o-mini" });
    expect(resolved).toMatchObject({ provider: "openai", modelId: "gpt-4o-mini", keySource: "user" });
  });

  it("refuses a malformed model ref", async () => {
    const user = await newUser();
    await expectError(resolveUserModel(user.id, { override: "gpt-4o" }), "unknown_model");
  });
});

describe("keys", () => {
  it("calls the provider with the user's own key (chat completions, usage included)", async () => {
    const user = await newUser();
    await giveKey(user.id, "openai", "sk-test-own-key-0002");
    const { model } = await resolveUserModel(user.id, { override: "openai:gpt-4o-mini" });
    const result = await generateText({ model, prompt: "Hello [[reply:Hi there]] [[usage:prompt=12,completion=3]]" });
    expect(result.text).toBe("Hi there");
    expect(result.usage.inputTokens).toBe(12);
    expect(result.usage.outputTokens).toBe(3);
    expect(fake.requests.at(-1)).toMatchObject({ path: "/chat/completions", authorization: "Bearer sk-test-own-key-0002" });
  });

  it("without a key: api_key_required naming the provider, and no upstream call", async () => {
    const user = await newUser();
    const before = fake.requests.length;
    const error = await expectError(resolveUserModel(user.id, { override: "anthropic:claude-sonnet-4-5" }), "api_key_required");
    expect(error.status).toBe(400);
    expect(error.message).toBe("claude-sonnet-4-5 needs an Anthropic key. Add one in Settings → API keys.");
    expect(error.details).toEqual({ provider: "anthropic", settingsUrl: "/settings?tab=keys" });
    expect(fake.requests.length).toBe(before);
  });

  it("uses the system key only where an admin allowed it, background work (titles) included", async () => {
    const user = await newUser();
    const admin = await newUser();
    vi.stubEnv("OPENAI_API_KEY", "sk-test-system-key-0003");
    await expectError(resolveUserModel(user.id, { override: "openai:gpt-4o-mini" }), "api_key_required");
    // Titles no longer run on the deployment's key for anyone: only where its policy opens it to this user.
    await expectError(resolveUserModel(user.id, { override: "openai:gpt-4o-mini", purpose: "background" }), "api_key_required");

    await setSystemKeyPolicy({ provider: "openai", allowUsers: true, updatedBy: admin.id });
    try {
      const background = await resolveUserModel(user.id, { override: "openai:gpt-4o-mini", purpose: "background" });
      expect(background.keySource).toBe("system");
      const allowed = await resolveUserModel(user.id, { override: "openai:gpt-4o-mini" });
      expect(allowed.keySource).toBe("system");
      await generateText({ model: allowed.model, prompt: "[[reply:ok]]" });
      expect(fake.requests.at(-1)?.authorization).toBe("Bearer sk-test-system-key-0003");

      // the user's own key always wins over the system key
      await giveKey(user.id, "openai", "sk-test-own-key-0004");
      expect((await resolveUserModel(user.id, { override: "openai:gpt-4o-mini" })).keySource).toBe("user");
    } finally {
      await setSystemKeyPolicy({ provider: "openai", allowUsers: false, updatedBy: admin.id });
    }
  });

  it("uses a user's OpenAI-compatible endpoint, and never another user's", async () => {
    const owner = await newUser();
    const endpoint = await upsertProviderKey({
      userId: owner.id,
      provider: "openai-compatible",
      name: "Gateway",
      baseUrl: `${fake.url}/openai/v1`,
      encryptedKey: encryptSecret("sk-test-endpoint-0005", owner.id),
      keyLast4: "0005",
      status: "valid",
      statusMessage: null,
      models: ["llama3.2:latest"],
      lastVerifiedAt: new Date(),
    });
    const ref = `openai-compatible:${endpoint.id}:llama3.2:latest`;
    const resolved = await resolveUserModel(owner.id, { override: ref });
    expect(resolved).toMatchObject({ provider: "openai-compatible", modelId: "llama3.2:latest", endpointId: endpoint.id, keySource: "user" });
    const result = await generateText({ model: resolved.model, prompt: "[[reply:from the endpoint]] [[usage:prompt=5,completion=2]]" });
    expect(result.text).toBe("from the endpoint");
    expect(result.usage.inputTokens).toBe(5); // includeUsage: true

    const other = await newUser();
    await expectError(resolveUserModel(other.id, { override: ref }), "unknown_model");
  });
});
