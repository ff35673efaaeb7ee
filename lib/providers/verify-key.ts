import "server-only";
import type { ProviderKind } from "./registry";

/**
 * Checks a key against its provider with a cheap call (listing models) and reads the model ids from the answer.
 * Outcomes: valid, rejected (the provider said no — its reason is kept), unreachable (no answer; the key is kept,
 * marked unverified). Nothing here ever logs or returns the key itself.
 */
export type KeyCheck =
  | { status: "valid"; models: string[] }
  | { status: "rejected"; message: string }
  | { status: "unreachable"; message: string };

const TIMEOUT_MS = Number(process.env.PROVIDER_CHECK_TIMEOUT_MS ?? 10_000);

interface Probe {
  url: string;
  headers: Record<string, string>;
  models?: (body: unknown) => string[];
}

function probeFor(provider: ProviderKind, baseUrl: string, apiKey: string | undefined): Probe {
  const bearer: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  switch (provider) {
    case "openai":
    case "openai-compatible":
      return { url: `${baseUrl}/models`, headers: bearer, models: dataIds };
    case "openrouter":
      // OpenRouter's model list is public; /key is the call that proves the key.
      return { url: `${baseUrl}/key`, headers: bearer };
    case "anthropic":
      return {
        url: `${baseUrl}/models?limit=1000`,
        headers: { "x-api-key": apiKey ?? "", "anthropic-version": "2023-06-01" },
        models: dataIds,
      };
    case "google":
      return {
        url: `${baseUrl}/models?pageSize=1000`,
        headers: { "x-goog-api-key": apiKey ?? "" },
        models: (body) =>
          ((body as { models?: { name?: string; supportedGenerationMethods?: string[] }[] }).models ?? [])
            .filter((m) => !m.supportedGenerationMethods || m.supportedGenerationMethods.includes("generateContent"))
            .map((m) => String(m.name ?? "").replace(/^models\//, ""))
            .filter(Boolean),
      };
  }
}

function dataIds(body: unknown): string[] {
  const data = (body as { data?: { id?: unknown }[] }).data;
  return Array.isArray(data) ? data.map((m) => m.id).filter((id): id is string => typeof id === "string") : [];
}

function providerMessage(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === "string" ? message : undefined;
}

function isKeyRejection(provider: ProviderKind, status: number, body: unknown): boolean {
  if (status === 401 || status === 403) return true;
  // Gemini answers a bad key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
  return provider === "google" && status === 400 && JSON.stringify(body ?? "").includes("API_KEY_INVALID");
}

/** Removes the key from any text that might echo it. */
export function scrubKey(text: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 4) return text;
  return text.split(apiKey).join(`…${apiKey.slice(-4)}`);
}

async function fetchModelList(url: string): Promise<string[]> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return response.ok ? dataIds(await response.json()) : [];
  } catch {
    return [];
  }
}

export async function checkProviderKey({
  provider,
  baseUrl,
  apiKey,
}: {
  provider: ProviderKind;
  baseUrl: string;
  apiKey?: string;
}): Promise<KeyCheck> {
  const probe = probeFor(provider, baseUrl, apiKey);
  let response: Response;
  try {
    response = await fetch(probe.url, { headers: probe.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const reason = (error as Error).name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : "the connection failed";
    return { status: "unreachable", message: `Could not reach ${new URL(probe.url).host}: ${reason}.` };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const models = probe.models ? probe.models(body) : await fetchModelList(`${baseUrl}/models`);
    return { status: "valid", models: [...new Set(models)].sort() };
  }
  const message = scrubKey(providerMessage(body) ?? `HTTP ${response.status}`, apiKey);
  if (isKeyRejection(provider, response.status, body)) return { status: "rejected", message };
  return { status: "unreachable", message: `The provider answered HTTP ${response.status}: ${message}` };
}
