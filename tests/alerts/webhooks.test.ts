import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type { ReactElement, ReactNode } from "react";
import { renderToReadableStream } from "react-dom/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { alertWebhooks, notifications, usageEvents, users } from "@/db/schema";
import { getWebhookView, webhookDelivery } from "@/lib/alerts/webhooks";
import { registerWithPassword } from "@/lib/auth/accounts";
import type { ActionState } from "@/lib/http/action";
import { waitForBackgroundWork } from "@/lib/usage/background";
import { recordSpend, session, signIn } from "@/tests/support/chat";
import { resolveServerTree } from "@/tests/support/render";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js decodes the session cookie; here the test says who is signed in. Everything after that is real.
vi.mock("@/app/(auth)/auth", async () => (await import("@/tests/support/chat")).mockAuth());

const webhookActions = await import("@/app/(app)/settings/webhook-actions");
const settingsActions = await import("@/app/(app)/settings/actions");
const adminActions = await import("@/app/(app)/admin/actions");
const db = freshDatabasePerFile();

// ---------------------------------------------------------------------------------------------------------------
// A local receiver on 127.0.0.1 that records every POST. The path says how it answers:
//   /ok/…        200
//   /flaky/…     500 twice (per path), then 200
//   /down/…      500 always
//   /missing/…   404
//   /slow/…      never answers

interface Received {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}
const received: Received[] = [];
const hits = new Map<string, number>();
let receiver: Server;
let base = "";

function answer(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const path = request.url ?? "/";
    const text = Buffer.concat(chunks).toString("utf8");
    received.push({ path, contentType: request.headers["content-type"], body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    if (path.startsWith("/slow/")) return; // hold the connection open
    const status = path.startsWith("/ok/") ? 200 : path.startsWith("/flaky/") ? (count <= 2 ? 500 : 200) : path.startsWith("/missing/") ? 404 : 500;
    response.writeHead(status, { "content-type": "text/plain" });
    response.end(status === 200 ? "ok" : "internal details the app must not store");
  });
}

beforeAll(async () => {
  receiver = createServer(answer);
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  vi.stubEnv("AUTH_URL", "https://spend.example.test");
});
afterEach(() => {
  vi.unstubAllEnvs();
  session.current = null;
});

const postsTo = (path: string) => received.filter((r) => r.path === path);

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}
type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string> = {}) => action({}, form(values));

/** A signed-in user with a $10 monthly budget alerting at the given thresholds and, optionally, a webhook. */
async function userWithBudget({ thresholds = "80", webhook }: { thresholds?: string; webhook?: string } = {}) {
  const user = await registerWithPassword({ email: `hook-${randomUUID()}@example.test`, password: "password-123" });
  signIn(user);
  const budget = { monthlyUsd: "10", dailyUsd: "", monthlyTokens: "", mode: "enforce", alertThresholds: thresholds, timeZone: "UTC" };
  expect(await run(settingsActions.saveBudgetAction, budget)).toMatchObject({ ok: true });
  if (webhook) expect(await run(webhookActions.saveWebhookAction, { url: webhook })).toMatchObject({ ok: true });
  return user;
}

/** Spend recorded the way the chat records it; then waits for the background webhook deliveries. */
async function spend(userId: string, usd: number) {
  await recordSpend(userId, Math.round(usd * 1e9));
  await waitForBackgroundWork();
}

const hookRow = async (scope: string) => (await db.current().db.select().from(alertWebhooks).where(eq(alertWebhooks.scope, scope)))[0];

/** Server components awaited into a plain tree, then rendered to HTML the way Next.js renders a first load. */
async function renderToHtml(page: Promise<ReactNode>): Promise<string> {
  const stream = await renderToReadableStream((await resolveServerTree(await page)) as ReactElement);
  await stream.allReady;
  return new Response(stream).text();
}

describe("budget alert webhooks", () => {
  it("crossing 80% sends one POST with a Slack-compatible text naming the budget, once per period", async () => {
    const path = `/ok/${randomUUID()}`;
    const user = await userWithBudget({ webhook: `${base}${path}` });
    await spend(user.id, 7);
    expect(postsTo(path)).toHaveLength(0); // 70%: below the only threshold

    await spend(user.id, 1.5);
    const posts = postsTo(path);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.contentType).toBe("application/json");
    const body = posts[0]!.body;
    expect(body).toEqual({
      text: expect.stringContaining("80% of your monthly budget used"),
      kind: "budget_threshold",
      userEmail: user.email,
      title: "80% of your monthly budget used",
      body: expect.stringMatching(/^\$8\.50 of \$10\.00 used this month; it resets /),
      url: "https://spend.example.test/settings?tab=budget",
    });
    expect(body.text).toContain(user.email);
    expect(body.text).toContain("$8.50 of $10.00");
    expect(await hookRow(user.id)).toMatchObject({ lastStatus: "ok", lastError: null, consecutiveFailures: 0, lastAttemptAt: expect.any(Date) });

    // Further spend in the same period: the notification already exists, so nothing is sent again.
    await spend(user.id, 0.5);
    expect(postsTo(path)).toHaveLength(1);
    const inApp = await db.current().db.select().from(notifications).where(eq(notifications.userId, user.id));
    expect(inApp.map((n) => n.title)).toEqual(["80% of your monthly budget used"]);
  });

  it("also posts every user's alerts to the organisation webhook, with the user's email", async () => {
    const admin = await registerWithPassword({ email: `hook-admin-${randomUUID()}@example.test`, password: "password-123" });
    await db.current().db.update(users).set({ role: "admin" }).where(eq(users.id, admin.id));
    signIn(admin);
    const orgPath = `/ok/org-${randomUUID()}`;
    expect(await run(adminActions.saveOrgWebhookAction, { url: `${base}${orgPath}` })).toMatchObject({ ok: true });

    const ownPath = `/ok/${randomUUID()}`;
    const alice = await userWithBudget({ thresholds: "50, 80", webhook: `${base}${ownPath}` });
    const bob = await userWithBudget({ thresholds: "50" }); // no webhook of his own
    await spend(alice.id, 9); // crosses 50% and 80% at once: two alerts
    await spend(bob.id, 6);

    expect(postsTo(ownPath).map((p) => p.body.title)).toEqual(["50% of your monthly budget used", "80% of your monthly budget used"]);
    expect(postsTo(orgPath).map((p) => [p.body.userEmail, p.body.title])).toEqual([
      [alice.email, "50% of your monthly budget used"],
      [alice.email, "80% of your monthly budget used"],
      [bob.email, "50% of your monthly budget used"],
    ]);
    expect(await hookRow("org")).toMatchObject({ lastStatus: "ok", consecutiveFailures: 0 });

    signIn(admin);
    expect(await run(adminActions.deleteOrgWebhookAction)).toMatchObject({ ok: true });
  });

  it("retries a failing endpoint (500 twice, then 200) with backoff and ends ok", async () => {
    const path = `/flaky/${randomUUID()}`;
    const user = await userWithBudget({ webhook: `${base}${path}` });
    const started = Date.now();
    await spend(user.id, 9);
    const elapsed = Date.now() - started;
    expect(postsTo(path)).toHaveLength(3);
    expect(new Set(postsTo(path).map((p) => JSON.stringify(p.body))).size).toBe(1); // the same alert each time
    expect(elapsed).toBeGreaterThanOrEqual(1_150); // 200 ms + 1 s between the attempts
    expect(await hookRow(user.id)).toMatchObject({ lastStatus: "ok", lastError: null, consecutiveFailures: 0 });
  });

  it("records a permanent failure after 3 attempts, never fails the recorder, and shows it in the settings", async () => {
    const path = `/down/${randomUUID()}`;
    const user = await userWithBudget({ thresholds: "50, 80", webhook: `${base}${path}` });
    await spend(user.id, 6);
    expect(postsTo(path)).toHaveLength(3);
    const events = await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id));
    expect(events).toHaveLength(1); // the usage was recorded all the same

    const view = await getWebhookView(user.id);
    expect(view).toMatchObject({
      url: `${base}${path}`,
      lastStatus: "failed: 500 Internal Server Error",
      lastError: expect.stringMatching(/^127\.0\.0\.1:\d+ answered 500 Internal Server Error\. \(3 attempts\)$/),
      consecutiveFailures: 1,
    });
    expect(JSON.stringify(view)).not.toContain("internal details"); // the answer's body is never stored

    await spend(user.id, 3); // crosses 80%: fails again
    expect((await getWebhookView(user.id))!.consecutiveFailures).toBe(2);

    signIn(user);
    const { default: SettingsPage } = await import("@/app/(app)/settings/page");
    const html = await renderToHtml(SettingsPage({ params: Promise.resolve({}), searchParams: Promise.resolve({ tab: "budget" }) } as never));
    expect(html).toContain("Webhook for budget alerts");
    expect(html).toContain("failed: 500 Internal Server Error");
    expect(html).toContain("2 deliveries in a row have failed.");
    expect(html).toContain(`${base}${path}`);
  });

  it("does not retry a 404, and times out a silent endpoint", async () => {
    const missing = `/missing/${randomUUID()}`;
    const user = await userWithBudget({ webhook: `${base}${missing}` });
    await spend(user.id, 9);
    expect(postsTo(missing)).toHaveLength(1);
    expect(await hookRow(user.id)).toMatchObject({ lastStatus: "failed: 404 Not Found", consecutiveFailures: 1 });

    const saved = { ...webhookDelivery, retryDelaysMs: [...webhookDelivery.retryDelaysMs] };
    Object.assign(webhookDelivery, { timeoutMs: 300, retryDelaysMs: [10, 10] });
    try {
      const slow = `/slow/${randomUUID()}`;
      const other = await userWithBudget({ webhook: `${base}${slow}` });
      await spend(other.id, 9);
      expect(postsTo(slow)).toHaveLength(3);
      expect(await hookRow(other.id)).toMatchObject({ lastStatus: "failed: timeout", lastError: expect.stringContaining("did not answer within 0.3 s. (3 attempts)") });
    } finally {
      Object.assign(webhookDelivery, saved);
    }
  });

  it("records an unreachable endpoint as failed without touching the usage", async () => {
    const saved = { ...webhookDelivery, retryDelaysMs: [...webhookDelivery.retryDelaysMs] };
    Object.assign(webhookDelivery, { retryDelaysMs: [10, 10] });
    try {
      const user = await userWithBudget({ webhook: "http://127.0.0.1:9/nobody-listens" });
      await spend(user.id, 9);
      expect(await hookRow(user.id)).toMatchObject({ lastStatus: "failed: could not connect", lastError: expect.stringMatching(/^Could not reach 127\.0\.0\.1:9: /) });
      expect(await db.current().db.select().from(usageEvents).where(eq(usageEvents.userId, user.id))).toHaveLength(1);
    } finally {
      Object.assign(webhookDelivery, saved);
    }
  });
});

describe("the webhook form", () => {
  it.each([
    ["ftp://example.test/hook", "ftp://example.test/hook", /http:\/\/ or https:\/\//],
    ["javascript:", "javascript:alert(1)", /http:\/\/ or https:\/\//],
    ["not a url", "not a url", /http:\/\/ or https:\/\//],
    ["an empty URL", "", /http:\/\/ or https:\/\//],
    ["a URL with user and password", "https://user:secret@hooks.example.test/x", /user name and password/],
    ["a URL with a user name", "https://token@hooks.example.test/x", /user name and password/],
    ["a URL over 2000 characters", `https://hooks.example.test/${"x".repeat(2001)}`, /too long/],
  ])("refuses %s with a field error and saves nothing", async (_label, url, message) => {
    const user = await registerWithPassword({ email: `hook-${randomUUID()}@example.test`, password: "password-123" });
    signIn(user);
    const result = await run(webhookActions.saveWebhookAction, { url });
    expect(result.fieldErrors?.url?.join(" ")).toMatch(message);
    expect(await hookRow(user.id)).toBeUndefined();
  });

  it("sends a test, replaces and removes the user's own webhook only", async () => {
    const okPath = `/ok/${randomUUID()}`;
    const user = await userWithBudget({ webhook: `${base}${okPath}` });
    expect(await run(webhookActions.testWebhookAction)).toEqual({ ok: true, message: "Test alert delivered." });
    expect(postsTo(okPath).map((p) => [p.body.kind, p.body.userEmail])).toEqual([["test", user.email]]);

    // Another URL starts with a clean status; a failing test says why.
    const downPath = `/down/${randomUUID()}`;
    await run(webhookActions.saveWebhookAction, { url: `${base}${downPath}` });
    expect(await hookRow(user.id)).toMatchObject({ url: `${base}${downPath}`, lastStatus: null, consecutiveFailures: 0 });
    expect((await run(webhookActions.testWebhookAction)).error).toMatch(/^Test alert failed: 500 Internal Server Error\. .* \(3 attempts\)$/);

    // A form field naming another scope is ignored: the scope is the signed-in user.
    const other = await registerWithPassword({ email: `hook-${randomUUID()}@example.test`, password: "password-123" });
    signIn(other);
    await run(webhookActions.saveWebhookAction, { url: `${base}/ok/other`, scope: user.id, userId: user.id });
    expect((await hookRow(user.id))!.url).toBe(`${base}${downPath}`);
    expect((await run(webhookActions.deleteWebhookAction)).ok).toBe(true);
    expect(await hookRow(user.id)).toBeDefined();

    signIn(user);
    expect(await run(webhookActions.deleteWebhookAction)).toEqual({ ok: true, message: "Webhook removed." });
    expect(await hookRow(user.id)).toBeUndefined();
    expect((await run(webhookActions.testWebhookAction)).error).toBe("Save a webhook URL first.");

    session.current = null;
    expect((await run(webhookActions.saveWebhookAction, { url: `${base}/ok/anon` })).error).toBe("Sign in to continue.");
  });
});
