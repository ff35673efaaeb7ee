import "server-only";
import { z } from "zod";
import { deleteWebhook as deleteWebhookRow, getWebhook, listAlertWebhookTargets, recordWebhookDelivery } from "@/db/queries/webhooks";
import type { AlertWebhook, Notification } from "@/db/schema";
import { logFailure } from "@/lib/log";
import { text } from "@/lib/validation/text";

/**
 * Alert webhooks: when a budget alert notification is newly created, it is also POSTed as JSON to the user's own
 * webhook (scope = the user id) and to the organisation's (scope "org", set by admins). The body is
 * Slack-compatible: `{ text, kind, userEmail, title, body, url }`. Each delivery gets a 5 s timeout and up to
 * 3 attempts (after 200 ms and 1 s); the outcome is stored on the webhook row for the settings page.
 * Delivery runs after the usage recorder's transaction commits and never throws.
 */

export const ORG_WEBHOOK_SCOPE = "org";

/** Test seam: timing of deliveries. */
export const webhookDelivery = { timeoutMs: 5_000, retryDelaysMs: [200, 1_000] };

const URL_HINT = "Enter an http:// or https:// URL, like https://hooks.slack.com/services/…";

/** Only http(s), and no user name or password in the URL (they would be stored and shown in clear). */
export const webhookUrlSchema = text(URL_HINT)
  .trim()
  .min(1, URL_HINT)
  .max(2000, "That URL is too long (at most 2000 characters).")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: URL_HINT });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") ctx.addIssue({ code: "custom", message: URL_HINT });
    else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Leave the user name and password out of the URL; put a token in its path or query instead." });
    }
  });

export const webhookFormSchema = z.object({ url: webhookUrlSchema });

/** What the settings page shows of a webhook. Its owner (or, for the organisation's, an admin) may see the URL. */
export interface WebhookView {
  url: string;
  /** "ok", or "failed: 500 Internal Server Error" / "failed: timeout" / "failed: could not connect"; null before the first delivery. */
  lastStatus: string | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  consecutiveFailures: number;
}

function toView(row: AlertWebhook): WebhookView {
  return {
    url: row.url,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    consecutiveFailures: row.consecutiveFailures,
  };
}

/** The host of a webhook URL, for audit rows and messages (the path of e.g. a Slack URL is itself a secret). */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

export async function getWebhookView(scope: string): Promise<WebhookView | null> {
  const row = await getWebhook({ scope });
  return row ? toView(row) : null;
}

/** Sets the webhook of a scope (the user's id, or "org"); a changed URL starts with a clean delivery status. */
export { saveWebhook } from "@/db/queries/webhooks";

/** Removes the webhook of a scope; returns its URL, or null when there was none. */
export async function deleteWebhook(scope: string): Promise<string | null> {
  return deleteWebhookRow({ scope });
}

export interface AlertPayload {
  /** Slack (and Mattermost, Discord's /slack endpoint, Teams workflows…) show this. */
  text: string;
  kind: string;
  userEmail: string;
  title: string;
  body: string;
  url: string;
}

/** Absolute when the app knows its public URL (AUTH_URL); otherwise the in-app path. */
function linkTo(href: string): string {
  const base = process.env.AUTH_URL?.trim();
  if (!base) return href;
  try {
    return new URL(href, base).toString();
  } catch {
    return href;
  }
}

export function alertPayload(alert: Pick<Notification, "kind" | "title" | "body" | "href">, userEmail: string): AlertPayload {
  const url = linkTo(alert.href ?? "/settings?tab=budget");
  return {
    text: `Spendboard: ${alert.title} (${userEmail}). ${alert.body} ${url}`,
    kind: alert.kind,
    userEmail,
    title: alert.title,
    body: alert.body,
    url,
  };
}

type Attempt = { ok: true } | { ok: false; status: string; error: string; retry: boolean };

async function postOnce(url: string, payload: AlertPayload): Promise<Attempt> {
  const host = webhookHost(url);
  if (!webhookUrlSchema.safeParse(url).success) {
    return { ok: false, status: "failed: invalid URL", error: "The stored URL is not an http(s) URL without credentials.", retry: false };
  }
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Spendboard-alerts/1" },
      body: JSON.stringify(payload),
      redirect: "manual",
      signal: AbortSignal.timeout(webhookDelivery.timeoutMs),
    });
    // The answer's body is never read or stored: the URL may point anywhere the server can reach.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const status = `${response.status} ${response.statusText}`.trim();
    return {
      ok: false,
      status: `failed: ${status}`,
      error: `${host} answered ${status}.`,
      retry: response.status >= 500 || response.status === 408 || response.status === 429,
    };
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, status: "failed: timeout", error: `${host} did not answer within ${webhookDelivery.timeoutMs / 1000} s.`, retry: true };
    }
    const cause = (error as Error & { cause?: { code?: string; message?: string } })?.cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
    return { ok: false, status: "failed: could not connect", error: `Could not reach ${host}: ${reason}.`, retry: true };
  }
}

export interface DeliveryOutcome {
  ok: boolean;
  attempts: number;
  status: string;
  error: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs with retries, then stores the outcome on the row (unless the URL was changed meanwhile). */
async function deliver(hook: Pick<AlertWebhook, "scope" | "url">, payload: AlertPayload): Promise<DeliveryOutcome> {
  const maxAttempts = webhookDelivery.retryDelaysMs.length + 1;
  let attempts = 0;
  let result: Attempt = { ok: false, status: "failed", error: "not sent", retry: false };
  for (;;) {
    attempts++;
    result = await postOnce(hook.url, payload);
    if (result.ok || !result.retry || attempts >= maxAttempts) break;
    await sleep(webhookDelivery.retryDelaysMs[attempts - 1]!);
  }
  const outcome: DeliveryOutcome = result.ok
    ? { ok: true, attempts, status: "ok", error: null }
    : { ok: false, attempts, status: result.status, error: `${result.error} (${attempts} attempt${attempts === 1 ? "" : "s"})` };
  await recordWebhookDelivery({ scope: hook.scope, url: hook.url, outcome });
  return outcome;
}

/**
 * Sends newly created budget alert notifications to the webhooks of their users and to the organisation's.
 * Each webhook gets its alerts in order; webhooks are served in parallel. Never throws: failures are stored on the
 * webhook rows and logged (without URLs).
 */
export async function deliverAlertWebhooks(alerts: Pick<Notification, "userId" | "kind" | "title" | "body" | "href">[]): Promise<void> {
  if (alerts.length === 0) return;
  try {
    const userIds = [...new Set(alerts.map((a) => a.userId))];
    const { hooks, emails } = await listAlertWebhookTargets({ userIds, scopes: [...userIds, ORG_WEBHOOK_SCOPE] });
    if (hooks.length === 0) return;
    const emailOf = (userId: string) => emails.get(userId) ?? "(deleted user)";
    await Promise.all(
      hooks.map(async (hook) => {
        for (const alert of alerts) {
          if (hook.scope !== ORG_WEBHOOK_SCOPE && hook.scope !== alert.userId) continue;
          try {
            const outcome = await deliver(hook, alertPayload(alert, emailOf(alert.userId)));
            if (!outcome.ok) console.warn("[webhooks] budget alert to %s webhook failed: %s", hook.scope === ORG_WEBHOOK_SCOPE ? "the organisation" : "a user", outcome.status);
          } catch (error) {
            logFailure("webhooks", "budget alert delivery", error);
          }
        }
      }),
    );
  } catch (error) {
    logFailure("webhooks", "budget alert delivery", error);
  }
}

/** "Send test": one delivery now, with the same retries, stored like a real one. Null when there is no webhook. */
export async function sendTestWebhook(scope: string, sender: { email: string }): Promise<DeliveryOutcome | null> {
  const hook = await getWebhook({ scope });
  if (!hook) return null;
  const payload = alertPayload(
    {
      kind: "test",
      title: "Test alert from Spendboard",
      body: "Budget alerts will arrive here when a budget passes one of its alert thresholds.",
      href: "/settings?tab=budget",
    },
    sender.email,
  );
  return deliver(hook, payload);
}
