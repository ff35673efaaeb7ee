import type { ProviderKind } from "@/db/schema";

export type { ProviderKind };

export interface ProviderInfo {
  id: ProviderKind;
  label: string;
  /** Env var that overrides the base URL (corporate proxies, tests). */
  baseUrlEnv?: string;
  defaultBaseUrl?: string;
  /** Env var holding the deployment's own key for this provider. */
  systemKeyEnv?: string;
  keyPlaceholder: string;
  keyHelpUrl?: string;
}

export const PROVIDERS: Record<ProviderKind, ProviderInfo> = {
  openai: {
    id: "openai",
    label: "OpenAI",
    baseUrlEnv: "OPENAI_BASE_URL",
    defaultBaseUrl: "https://api.openai.com/v1",
    systemKeyEnv: "OPENAI_API_KEY",
    keyPlaceholder: "sk-…",
    keyHelpUrl: "https://platform.openai.com/api-keys",
  },
  anthropic: {
    id: "anthropic",
    label: "Anthropic",
    baseUrlEnv: "ANTHROPIC_BASE_URL",
    defaultBaseUrl: "https://api.anthropic.com/v1",
    systemKeyEnv: "ANTHROPIC_API_KEY",
    keyPlaceholder: "sk-ant-…",
    keyHelpUrl: "https://console.anthropic.com/settings/keys",
  },
  google: {
    id: "google",
    label: "Google Gemini",
    baseUrlEnv: "GOOGLE_BASE_URL",
    defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
    systemKeyEnv: "GOOGLE_GENERATIVE_AI_API_KEY",
    keyPlaceholder: "AIza…",
    keyHelpUrl: "https://aistudio.google.com/app/apikey",
  },
  openrouter: {
    id: "openrouter",
    label: "OpenRouter",
    baseUrlEnv: "OPENROUTER_BASE_URL",
    defaultBaseUrl: "https://openrouter.ai/api/v1",
    systemKeyEnv: "OPENROUTER_API_KEY",
    keyPlaceholder: "sk-or-…",
    keyHelpUrl: "https://openrouter.ai/settings/keys",
  },
  "openai-compatible": {
    id: "openai-compatible",
    label: "OpenAI-compatible",
    keyPlaceholder: "optional",
  },
};

export const BUILT_IN_PROVIDERS = ["openai", "anthropic", "google", "openrouter"] as const satisfies ProviderKind[];
export type BuiltInProvider = (typeof BUILT_IN_PROVIDERS)[number];

/** The base URL to call for a built-in provider (env override first), without a trailing slash. */
export function providerBaseUrl(provider: BuiltInProvider, env: Record<string, string | undefined> = process.env): string {
  const info = PROVIDERS[provider];
  return (env[info.baseUrlEnv!]?.trim() || info.defaultBaseUrl!).replace(/\/+$/, "");
}

/** The deployment's key for a provider, if the server has one. */
export function systemKey(provider: BuiltInProvider, env: Record<string, string | undefined> = process.env): string | undefined {
  return env[PROVIDERS[provider].systemKeyEnv!]?.trim() || undefined;
}
