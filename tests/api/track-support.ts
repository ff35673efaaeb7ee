import { randomUUID } from "node:crypto";
import type { ApiTokenScope } from "@/db/schema";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { newUser } from "@/tests/support/chat";

/** A new user and an API token of theirs with these scopes (and optionally a default feature). */
export async function userWithToken(scopes: ApiTokenScope[] = ["track"], defaultFeature: string | null = null) {
  const user = await newUser(`track-${randomUUID().slice(0, 6)}`);
  const { token, view } = await createApiToken(user, { name: "test app", scopes, expiresOn: null, defaultFeature, monthlyUsd: null });
  return { user, token, tokenId: view.id };
}

export async function extraToken(user: { id: string; email: string; timeZone: string | null }, scopes: ApiTokenScope[]) {
  return (await createApiToken(user, { name: `token ${scopes.join("+")}`, scopes, expiresOn: null, defaultFeature: null, monthlyUsd: null })).token;
}

export function postJson(url: string, body: unknown, token?: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${url}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

export function getWith(url: string, token?: string): Request {
  return new Request(`http://localhost${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}
