/**
 * The demo data, for `npm run db:seed-demo` (a month of usage, every time it runs) and `npm run dev:demo` (the same
 * month, only into an empty database, plus keys that point at the fake upstream). Works on the process database
 * (`installDatabase` first). Usage is written through the real usage recorder (events, daily rollups, budget ledger,
 * alerts), priced by the real price book; keys are saved the way Settings saves them (checked, encrypted).
 */
import { randomUUID } from "node:crypto";
import { insertAssistant } from "@/db/queries/assistants";
import { createConversation, insertMessage, setGeneratedTitle } from "@/db/queries/conversations";
import { listProviderKeys } from "@/db/queries/provider-keys";
import { countUsers } from "@/db/queries/registration";
import { setDefaultModel, setTimeZone, upsertBudget } from "@/db/queries/settings";
import { getUserByEmail } from "@/db/queries/users";
import { registerWithPassword } from "@/lib/auth/accounts";
import { costOf } from "@/lib/pricing/price-book";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { saveKeySchema } from "@/lib/settings/schemas";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";
import { DEMO_PASSWORD, DEMO_USERS } from "./demo-users";


const FEATURES = ["chat", "chat", "chat", "chat", "title", "assistant:Researcher"] as const;
const TOPICS = ["Quarterly report outline", "Fix flaky CI job", "Lisbon trip plan", "SQL window functions", "Customer email draft", "Refactor auth module"];

/** A small deterministic PRNG so two runs look alike. */
function prng(start: number) {
  let seed = start;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));
  const weighted = <T extends { weight: number }>(items: T[]): T => {
    const total = items.reduce((s, i) => s + i.weight, 0);
    let r = random() * total;
    for (const item of items) if ((r -= item.weight) < 0) return item;
    return items.at(-1)!;
  };
  return { random, pick, between, weighted };
}

/**
 * Creates the demo users (or finds them), their settings and budgets, and adds `days` days of usage with a
 * conversation per day. Adds another `days` on top when run again.
 */
export async function seedDemoUsage({ days = 30, log = console.log }: { days?: number; log?: (line: string) => void } = {}): Promise<void> {
  const { random, pick, between, weighted } = prng(20261124);
  const now = Date.now();
  for (const demo of DEMO_USERS) {
    const user = (await getUserByEmail({ email: demo.email })) ?? (await registerWithPassword({ email: demo.email, name: demo.name, password: DEMO_PASSWORD }));
    await setTimeZone({ userId: user.id, timeZone: demo.timeZone });
    await setDefaultModel({ userId: user.id, defaultModel: `${demo.models[0]!.provider}:${demo.models[0]!.model}` });
    if (demo.budget) {
      await upsertBudget({
        userId: user.id,
        source: "user",
        values: {
          monthlyCostLimitNano: demo.budget.monthlyUsd * 1e9,
          dailyCostLimitNano: demo.budget.dailyUsd ? demo.budget.dailyUsd * 1e9 : null,
          monthlyTokenLimit: null,
          mode: "warn",
          alertThresholds: [50, 80, 100],
        },
      });
    }
    const researcher =
      (await insertAssistant({ userId: user.id, name: "Researcher", systemPrompt: "You find facts and cite them.", preferredModel: null, delegateIds: [] })) ?? null;

    const records: UsageRecord[] = [];
    for (let day = days - 1; day >= 0; day--) {
      const conversationId = randomUUID();
      const dayStart = now - day * 86_400_000 - 86_400_000;
      const title = `${pick(TOPICS)}`;
      await createConversation({ id: conversationId, userId: user.id, model: `${demo.models[0]!.provider}:${demo.models[0]!.model}`, assistantId: null });
      await setGeneratedTitle({ id: conversationId, title });
      await insertMessage({ id: randomUUID(), conversationId, role: "user", parts: [{ type: "text", text: `Help me with: ${title.toLowerCase()}` }] });
      await insertMessage({ id: randomUUID(), conversationId, role: "assistant", parts: [{ type: "text", text: "Here is a first take (demo data)." }] });
      const count = between(...demo.perDay) * (new Date(dayStart).getUTCDay() % 6 === 0 ? 0.4 : 1);
      for (let i = 0; i < count; i++) {
        const { provider, model } = weighted(demo.models);
        const feature = pick(FEATURES);
        const input = feature === "title" ? between(20, 200) : between(300, 12_000);
        const cacheRead = provider === "anthropic" || provider === "openai" ? Math.floor(input * random() * 0.6) : 0;
        const cacheWrite = provider === "anthropic" && random() < 0.2 ? Math.floor((input - cacheRead) * 0.5) : 0;
        const output = feature === "title" ? between(4, 12) : between(80, 1800);
        const reasoning = model.startsWith("o4") || model.startsWith("gemini") ? Math.floor(output * random() * 0.5) : 0;
        const usage = { inputNoCache: input - cacheRead - cacheWrite, cacheRead, cacheWrite, output, reasoning };
        const status = random() < 0.03 ? "error" : random() < 0.05 ? "aborted" : "ok";
        const finishedAt = new Date(dayStart + random() * 86_400_000);
        const latencyMs = between(400, 9000);
        const cost = costOf(provider, model, usage);
        records.push({
          requestId: `demo-${randomUUID()}`,
          userId: user.id,
          conversationId,
          assistantId: feature.startsWith("assistant:") ? researcher?.id ?? null : null,
          provider,
          model,
          feature,
          keySource: "user",
          usage: status === "error" ? { inputNoCache: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 } : usage,
          costNano: status === "error" ? 0 : cost.priced ? cost.costNanoUsd : null,
          costSource: cost.priced ? "price_book" : "unpriced",
          estimated: status === "aborted",
          status,
          errorMessage: status === "error" ? "503: demo upstream failure" : null,
          latencyMs,
          ttftMs: status === "error" ? null : between(150, 1500),
          startedAt: new Date(finishedAt.getTime() - latencyMs),
          finishedAt,
        });
      }
    }
    records.sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
    for (let i = 0; i < records.length; i += 200) await recordUsage(records.slice(i, i + 200));
    log(`${demo.email.padEnd(28)} ${records.length} model calls over ${days} days (${user.role}; password ${DEMO_PASSWORD})`);
  }
}

/** The name of the OpenAI-compatible endpoint the demo users get (the fake upstream's `compat` provider). */
export const DEMO_LOCAL_ENDPOINT = "Local demo";

/**
 * Gives every demo user that exists a test key for each provider it lacks (never replacing one it has), checked
 * against the provider base URLs in the environment — the fake upstream's, under `npm run dev:demo` — and an
 * OpenAI-compatible endpoint at `compatBaseUrl`. Returns how many keys were added.
 */
export async function addDemoKeys({ compatBaseUrl }: { compatBaseUrl: string }): Promise<number> {
  let added = 0;
  for (const demo of DEMO_USERS) {
    const user = await getUserByEmail({ email: demo.email });
    if (!user) continue;
    const have = await listProviderKeys({ userId: user.id });
    const builtIn = ["openai", "anthropic", "google", "openrouter"] as const;
    for (const provider of builtIn) {
      if (have.some((k) => k.provider === provider)) continue;
      await saveProviderKey(user.id, saveKeySchema.parse({ provider, apiKey: `sk-test-demo-${provider}-0001` }));
      added++;
    }
    if (!have.some((k) => k.provider === "openai-compatible" && k.name === DEMO_LOCAL_ENDPOINT)) {
      await saveProviderKey(
        user.id,
        saveKeySchema.parse({ provider: "openai-compatible", name: DEMO_LOCAL_ENDPOINT, baseUrl: compatBaseUrl, apiKey: "sk-test-demo-local-0001" }),
      );
      added++;
    }
  }
  return added;
}

/**
 * What `npm run dev:demo` runs before the app starts: the demo month only if the database has no account yet (so a
 * second run, or a database someone already uses, is left as it is), then the demo users' missing keys.
 */
export async function ensureDemoData(options: { compatBaseUrl: string; days?: number; log?: (line: string) => void }): Promise<{ seeded: boolean; keysAdded: number }> {
  const log = options.log ?? console.log;
  const seeded = (await countUsers()) === 0;
  if (seeded) await seedDemoUsage({ days: options.days, log });
  else log("The database already has accounts: no demo data added.");
  const keysAdded = await addDemoKeys({ compatBaseUrl: options.compatBaseUrl });
  return { seeded, keysAdded };
}
