/**
 * The providers a model call can go to, defined once: the database enum (`provider_kind`), model refs, price
 * overrides, the price book and ingestion all take this list. No imports: safe in the browser and in db/schema.ts.
 */
export const PROVIDER_KINDS = ["openai", "anthropic", "google", "openrouter", "openai-compatible"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export function isProviderKind(value: string): value is ProviderKind {
  return (PROVIDER_KINDS as readonly string[]).includes(value);
}
