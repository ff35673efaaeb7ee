import Anthropic from "@anthropic-ai/sdk";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { describe, expect, it, vi } from "vitest";
import { usageEvents } from "@/db/schema";
import { createApiToken } from "@/lib/api-tokens/tokens";
import { connectSnippets, type SnippetId } from "@/lib/connect/snippets";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { addKey, fakeLlmPerFile, newUser } from "@/tests/support/chat";
import { parseCurlSnippet } from "@/tests/support/curl";
import { freshDatabasePerFile } from "@/tests/support/test-db";

/**
 * The "Connect an app" snippets point at the real routes: each curl snippet's text is parsed (URL, headers, body) and
 * sent to the route handler its path names, with a real token; the SDK snippets' base URLs are handed to the official
 * clients, whose requests reach our handlers. Every call is one usage event of the token.
 */

vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const db = freshDatabasePerFile();
fakeLlmPerFile();

const BASE = "https://spend.example.com";
const routes: Record<string, Record<string, (request: Request) => Promise<Response>>> = {
  "/api/v1/chat/completions": await import("@/app/api/v1/chat/completions/route"),
  "/api/anthropic/v1/messages": await import("@/app/api/anthropic/v1/messages/route"),
  "/api/track": await import("@/app/api/track/route"),
};

/** The app at BASE: a request whose URL is not under BASE, or whose path is no route, is a 404. */
const appFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const handler = url.origin === BASE ? routes[url.pathname]?.[request.method] : undefined;
  return handler ? handler(request) : new Response(`no route ${request.method} ${request.url}`, { status: 404 });
}) as typeof fetch;

/** A curl snippet as the request it makes. */
function parseCurl(code: string): Request {
  const { url, headers, body } = parseCurlSnippet(code);
  return new Request(url, { method: "POST", headers, body });
}

async function connectedUser(scopes: ("gateway" | "track")[]) {
  const user = await newUser("connect");
  await addKey(user.id, "openai");
  await addKey(user.id, "anthropic");
  const { token, view } = await createApiToken(user, { name: "connect test", scopes, expiresOn: null, defaultFeature: null, monthlyUsd: null });
  const snippets = new Map(connectSnippets({ baseUrl: BASE, token, feature: "snippet-test" }).map((s) => [s.id, s.code]));
  return { user, tokenId: view.id, code: (id: SnippetId) => snippets.get(id)! };
}

const eventsOf = async (userId: string) => {
  await waitForBackgroundWork();
  return db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, userId));
};

describe("the Connect an app snippets against the real routes", () => {
  it("curl: OpenAI chat completions and Anthropic messages answer 200 and are metered under the token and the feature", async () => {
    const { user, tokenId, code } = await connectedUser(["gateway"]);
    const openai = await appFetch(parseCurl(code("curl-openai")));
    expect(openai.status, await openai.clone().text()).toBe(200);
    expect(((await openai.json()) as { object: string }).object).toBe("chat.completion");
    const anthropic = await appFetch(parseCurl(code("curl-anthropic")));
    expect(anthropic.status, await anthropic.clone().text()).toBe(200);
    expect(((await anthropic.json()) as { type: string }).type).toBe("message");

    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.provider, e.model, e.source, e.feature, e.apiTokenId, e.status]).sort()).toEqual([
      ["anthropic", "claude-sonnet-4-5", "gateway", "snippet-test", tokenId, "ok"],
      ["openai", "gpt-4o-mini", "gateway", "snippet-test", tokenId, "ok"],
    ]);
  });

  it("curl: /api/track accepts the sample event, stored with its skill", async () => {
    const { user, tokenId, code } = await connectedUser(["track"]);
    const response = await appFetch(parseCurl(code("track-curl")));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    const [event] = await eventsOf(user.id);
    expect(event).toMatchObject({ source: "track", skill: "pdf-summary", apiTokenId: tokenId, inputNoCacheTokens: 1200, outputTokens: 350 });
  });

  it("the SDK snippets' base URLs and keys work with the official clients", async () => {
    const { user, code } = await connectedUser(["gateway"]);
    const field = (snippet: string, name: string) => new RegExp(`${name}: "([^"]+)"`).exec(snippet)![1]!;
    const node = code("openai-node");
    const openai = new OpenAI({ baseURL: field(node, "baseURL"), apiKey: field(node, "apiKey"), fetch: appFetch, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: "openai:gpt-4o-mini", messages: [{ role: "user", content: "Hi [[reply:from the snippet]]" }] });
    expect(answer.choices[0]!.message.content).toBe("from the snippet");

    const anthropicNode = code("anthropic-node");
    const anthropic = new Anthropic({ baseURL: field(anthropicNode, "baseURL"), apiKey: field(anthropicNode, "apiKey"), fetch: appFetch, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi [[reply:anthropic too]]" }] });
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: "anthropic too" })]);

    // Python and Claude Code use the same base URLs.
    expect(code("openai-python")).toContain(`base_url="${field(node, "baseURL")}"`);
    expect(code("claude-code-env")).toContain(`ANTHROPIC_BASE_URL='${field(anthropicNode, "baseURL")}'`);
    expect((await eventsOf(user.id)).map((e) => e.source)).toEqual(["gateway", "gateway"]);
  });
});
