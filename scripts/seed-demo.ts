/**
 * `npm run db:seed-demo` — fills the EMBEDDED database with a realistic month of demo usage for a few demo users, so
 * the dashboards have something to show right after `npm run dev`. Stop the app first (PGlite allows one process per
 * directory). It refuses to touch a DATABASE_URL unless given `--allow-database-url`, and is never run automatically.
 * Usage is written through the real usage recorder (events, daily rollups, budget ledger, alerts), priced by the
 * real price book. Running it again adds another month on top.
 */
import { randomUUID } from "node:crypto";
import { installDatabase, uninstallDatabase } from "@/db";
import { migrateDatabase, openDatabase, resolveDatabaseConfig } from "@/db/client";
import { insertAssistant } from "@/db/queries/assistants";
import { createConversation, insertMessage, setGeneratedTitle } from "@/db/queries/conversations";
import { setDefaultModel, setTimeZone, upsertBudget } from "@/db/queries/settings";
import { getUserByEmail } from "@/db/queries/users";
import type { ProviderKind } from "@/db/schema";
import { registerWithPassword } from "@/lib/auth/accounts";
import { costOf } from "@/lib/pricing/price-book";
import { recordUsage, type UsageRecord } from "@/lib/usage/recorder";

const config = resolveDatabaseConfig();
if (config.kind !== "pglite" && !process.argv.includes("--allow-database-url")) {
  console.error("db:seed-demo fills the embedded database only. DATABASE_URL is set: pass --allow-database-url if you really mean it.");
  process.exit(1);
}

const PASSWORD = "demo-password-1";
const DAYS = 30;

/** A small deterministic PRNG so two runs look alike. */
let seed = 20261124;
const random = () => {
  seed = (seed * 1664525 + 1013904223) % 4294967296;
  return seed / 4294967296;
};
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => Math.round(min + random() * (max - min));

interface DemoUser {
  email: string;
  name: string;
  timeZone: string;
  perDay: [number, number];
  models: { provider: ProviderKind; model: string; weight: number }[];
  budget?: { monthlyUsd: number; dailyUsd?: number };
}

const DEMO_USERS: DemoUser[] = [
  {
    email: "ada@demo.spendboard.test",
    name: "Ada (demo)",
    timeZone: "Europe/London",
    perDay: [15, 40],
    models: [
      { provider: "anthropic", model: "claude-sonnet-4-5", weight: 5 },
      { provider: "openai", model: "gpt-4o-mini", weight: 3 },
      { provider: "openai", model: "o4-mini", weight: 1 },
    ],
    budget: { monthlyUsd: 40 },
  },
  {
    email: "grace@demo.spendboard.test",
    name: "Grace (demo)",
    timeZone: "America/New_York",
    perDay: [5, 25],
    models: [
      { provider: "google", model: "gemini-2.5-flash", weight: 4 },
      { provider: "openrouter", model: "anthropic/claude-haiku-4.5", weight: 2 },
      { provider: "openai", model: "gpt-4.1", weight: 1 },
    ],
    budget: { monthlyUsd: 10, dailyUsd: 1 },
  },
  {
    email: "linus@demo.spendboard.test",
    name: "Linus (demo)",
    timeZone: "Asia/Kolkata",
    perDay: [2, 12],
    models: [
      { provider: "openai", model: "gpt-4o-mini", weight: 3 },
      { provider: "openai-compatible", model: "llama3.2", weight: 2 },
    ],
  },
];

const FEATURES = ["chat", "chat", "chat", "chat", "title", "assistant:Researcher"] as const;
const TOPICS = ["Quarterly report outline", "Fix flaky CI job", "Lisbon trip plan", "SQL window functions", "Customer email draft", "Refactor auth module"];

function weighted<T extends { weight: number }>(items: T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) if ((r -= item.weight) < 0) return item;
  return items.at(-1)!;
}

const handle = await openDatabase(config);
try {
  if (config.kind === "pglite") await migrateDatabase(handle);
  installDatabase(handle);
  const now = Date.now();
  for (const demo of DEMO_USERS) {
    const user = (await getUserByEmail({ email: demo.email })) ?? (await registerWithPassword({ email: demo.email, name: demo.name, password: PASSWORD }));
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
    for (let day = DAYS - 1; day >= 0; day--) {
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
    console.log(`${demo.email.padEnd(28)} ${records.length} model calls over ${DAYS} days (${user.role}; password ${PASSWORD})`);
  }
  console.log("Demo data is in. Sign in as one of the demo users, or with your own account (admins see everyone on /admin).");
} catch (error) {
  console.error(`Seeding failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  uninstallDatabase();
  await handle.close();
}
