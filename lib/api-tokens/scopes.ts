import type { ApiTokenScope } from "@/db/schema";

/** What each scope allows, for the settings form and lists (no server-only imports: client components use it). */
export const SCOPE_INFO = {
  gateway: { label: "Gateway", description: "Call models through Spendboard's OpenAI- and Anthropic-compatible API." },
  track: { label: "Track", description: "Report usage of calls your app made itself (/api/track)." },
  read: { label: "Read", description: "Read your usage statistics (/api/usage/stats)." },
} as const satisfies Record<ApiTokenScope, { label: string; description: string }>;

export const SCOPES = Object.keys(SCOPE_INFO) as ApiTokenScope[];

export function isScope(value: unknown): value is ApiTokenScope {
  return typeof value === "string" && Object.hasOwn(SCOPE_INFO, value);
}

export function hasScope(token: { scopes: readonly string[] }, scope: ApiTokenScope): boolean {
  return token.scopes.includes(scope);
}
