import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import { registerWithPassword } from "@/lib/auth/accounts";
import { saveProviderKey } from "@/lib/settings/provider-keys";
import { recordUsage } from "@/lib/usage/recorder";
import { startFakeLlm, type FakeLlm } from "@/tools/fake-llm/server";

/**
 * Test support for the chat API: who is signed in (Auth.js decodes a cookie; tests say who instead — everything
 * after that is real), keys stored through the real settings code against the fake upstream, and a reader for the
 * AI SDK's UI message stream (SSE).
 */
export interface TestSession {
  /**
   * What Auth.js would decode from the cookie. `sid`/`sv` name a real `user_sessions` row: left out, the mocked
   * `auth()` opens one for the user at the first request (as signing in would); set explicitly (even to undefined) they
   * are used as they are — e.g. a revoked sid, or none, as a token from before sessions could be ended.
   */
  current: null | { user: { id: string; role?: string }; sid?: string; sv?: number };
}
const holder = globalThis as typeof globalThis & { __testSession?: TestSession };
export const session: TestSession = (holder.__testSession ??= { current: null });

const opened = new WeakMap<object, Promise<void>>();

/** The session the mocked `auth()` returns: a real session row is opened for a token that does not name one yet. */
async function withSessionRow(current: TestSession["current"]): Promise<TestSession["current"]> {
  if (!current || "sid" in current) return current;
  let opening = opened.get(current);
  if (!opening) {
    opening = (async () => {
      const { startSession } = await import("@/lib/auth/user-sessions");
      const claims = await startSession(current.user.id);
      if (!("sid" in current)) Object.assign(current, { sid: claims?.sid, sv: claims?.sv });
    })();
    opened.set(current, opening);
  }
  await opening;
  return current;
}

/**
 * For `vi.mock("@/app/(auth)/auth", () => mockAuth())` in a test file; pass a file's own `{ current }` holder to use
 * that instead of the shared one. `signIn("credentials")` checks the password for real and starts a new session;
 * `signOut` drops the cookie (the sign-out action itself revokes the session row).
 */
export function mockAuth(own?: TestSession) {
  const current = () => (own ?? (globalThis as typeof globalThis & { __testSession?: TestSession }).__testSession)!;
  return {
    auth: async () => withSessionRow(current().current),
    // Auth.js's signIn("credentials") runs the Credentials provider's check (throttled, with the request's headers,
    // which a test may give by mocking next/headers), then sets a new cookie; refusals come back as CredentialsSignin.
    signIn: async (provider: string, options: { email?: string; password?: string } = {}) => {
      if (provider !== "credentials") throw new Error(`mockAuth: signIn with ${provider} is not simulated`);
      const { authenticateThrottled } = await import("@/lib/auth/accounts");
      const { clientAddress } = await import("@/lib/auth/sign-in-throttle");
      const { AppError } = await import("@/lib/errors");
      let requestHeaders = new Headers();
      try {
        requestHeaders = new Headers(await (await import("next/headers")).headers());
      } catch {
        // outside a request (no next/headers mock): no client address
      }
      const refused = (code: string) => Object.assign(new Error("CredentialsSignin"), { type: "CredentialsSignin", code });
      let user;
      try {
        user = await authenticateThrottled(options, clientAddress(requestHeaders));
      } catch (error) {
        if (error instanceof AppError && (error.code === "account_disabled" || error.code === "rate_limited")) throw refused(error.code);
        throw error;
      }
      if (!user) throw refused("invalid_credentials");
      current().current = { user: { id: user.id } };
    },
    signOut: async () => {
      current().current = null;
    },
  };
}

export async function newUser(prefix = "chat") {
  const user = await registerWithPassword({ email: `${prefix}-${randomUUID()}@example.test`, password: "password-123" });
  return user;
}

/** Signs the user in for the mocked `auth()`: a real session row is opened at the first request. */
export function signIn(user: { id: string }) {
  session.current = { user: { id: user.id } };
}

/** Signs the user in now and returns the token's claims (a real `user_sessions` row and the user's session version). */
export async function signInWithSession(user: { id: string }): Promise<{ sid: string; sv: number }> {
  signIn(user);
  const current = (await withSessionRow(session.current))!;
  if (!current.sid || current.sv === undefined) throw new Error(`signInWithSession: no user ${user.id}`);
  return { sid: current.sid, sv: current.sv };
}

export function pointProvidersAt(fake: FakeLlm) {
  vi.stubEnv("OPENAI_BASE_URL", fake.baseUrls.openai);
  vi.stubEnv("ANTHROPIC_BASE_URL", fake.baseUrls.anthropic);
  vi.stubEnv("GOOGLE_BASE_URL", fake.baseUrls.google);
  vi.stubEnv("OPENROUTER_BASE_URL", fake.baseUrls.openrouter);
  for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "OPENROUTER_API_KEY"]) vi.stubEnv(name, "");
}

/**
 * The fake upstream for the calling test file: started before its tests, closed after them, and every provider pointed
 * at it before each test (like `freshDatabasePerFile` for the database).
 */
export function fakeLlmPerFile(): { current(): FakeLlm } {
  let fake: FakeLlm | undefined;
  const current = () => {
    if (!fake) throw new Error("fakeLlmPerFile: the fake upstream is not running (use it inside tests)");
    return fake;
  };
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake?.close());
  beforeEach(() => pointProvidersAt(current()));
  return { current };
}

export async function addKey(userId: string, provider: "openai" | "anthropic" | "google" | "openrouter", apiKey = `sk-test-${provider}-${randomUUID().slice(0, 8)}`) {
  await saveProviderKey(userId, { provider, apiKey } as Parameters<typeof saveProviderKey>[1]);
  return apiKey;
}

export function userMessage(text: string, id: string = randomUUID()) {
  return { id, role: "user" as const, parts: [{ type: "text", text }] };
}

export interface ChatCall {
  status: number;
  /** Parsed UI message chunks (for a stream), or the JSON body (for an error). */
  chunks: { type: string; [key: string]: unknown }[];
  json?: { error: { code: string; message: string; details?: Record<string, unknown> } };
  text: string;
}

export function parseSse(text: string) {
  return text
    .split("\n\n")
    .map((block) => block.replace(/^data: /, "").trim())
    .filter((data) => data && data !== "[DONE]")
    .map((data) => JSON.parse(data) as { type: string; [key: string]: unknown });
}

type Handler = (request: Request) => Promise<Response>;

export async function postChat(handler: Handler, body: unknown, init: { signal?: AbortSignal } = {}): Promise<ChatCall> {
  const response = await handler(
    new Request("http://localhost/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: init.signal,
    }),
  );
  const text = await response.text();
  if (response.headers.get("content-type")?.includes("application/json")) {
    return { status: response.status, chunks: [], json: JSON.parse(text), text };
  }
  return { status: response.status, chunks: parseSse(text), text };
}

export function streamedText(call: ChatCall): string {
  return call.chunks
    .filter((c) => c.type === "text-delta")
    .map((c) => String(c.delta))
    .join("");
}

/** Spend made now by one priced chat call, recorded through the real usage recorder (events, rollups, ledger, alerts). */
export async function recordSpend(userId: string, costNano: number) {
  const now = new Date();
  await recordUsage([
    {
      requestId: `seed-${randomUUID()}`,
      userId,
      provider: "openai",
      model: "gpt-4o-mini",
      feature: "chat",
      keySource: "user",
      usage: { inputNoCache: 10, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
      costNano,
      costSource: "price_book",
      estimated: false,
      status: "ok",
      latencyMs: 5,
      startedAt: now,
      finishedAt: now,
    },
  ]);
}
