/** Who the demo data is about (scripts/demo-data.ts seeds them; `npm run dev:demo` prints their logins). No imports with side effects. */
import type { ProviderKind } from "@/db/schema";

export const DEMO_PASSWORD = "demo-password-1";

export interface DemoUser {
  email: string;
  name: string;
  timeZone: string;
  perDay: [number, number];
  models: { provider: ProviderKind; model: string; weight: number }[];
  budget?: { monthlyUsd: number; dailyUsd?: number };
}

/** On an empty database the first one (Ada) becomes the admin. */
export const DEMO_USERS: DemoUser[] = [
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
