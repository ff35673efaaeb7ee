import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { alertWebhooks, users, type AlertWebhook } from "@/db/schema";

/** Alert webhooks, one per scope: a user's id, or "org" for the organisation's (lib/alerts/webhooks.ts is the policy). */

export async function getWebhook({ scope }: { scope: string }, executor?: DbExecutor): Promise<AlertWebhook | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db.select().from(alertWebhooks).where(eq(alertWebhooks.scope, scope)).limit(1);
  return row;
}

/**
 * Sets the webhook of a scope. A changed URL starts with a clean delivery status; saving the same URL again keeps it.
 * Returns the URL it replaced, if any.
 */
export async function saveWebhook(
  { scope, userId, url }: { scope: string; userId: string | null; url: string },
  executor?: DbExecutor,
): Promise<{ previousUrl: string | null }> {
  const db = executor ?? (await getDb());
  return db.transaction(async (tx) => {
    const [previous] = await tx.select({ url: alertWebhooks.url }).from(alertWebhooks).where(eq(alertWebhooks.scope, scope)).for("update");
    const same = previous?.url === url;
    await tx
      .insert(alertWebhooks)
      .values({ scope, userId, url })
      .onConflictDoUpdate({
        target: alertWebhooks.scope,
        set: same
          ? { userId, updatedAt: new Date() }
          : { userId, url, lastStatus: null, lastError: null, lastAttemptAt: null, consecutiveFailures: 0, updatedAt: new Date() },
      });
    return { previousUrl: previous?.url ?? null };
  });
}

/** Removes the webhook of a scope; returns its URL, or null when there was none. */
export async function deleteWebhook({ scope }: { scope: string }, executor?: DbExecutor): Promise<string | null> {
  const db = executor ?? (await getDb());
  const [row] = await db.delete(alertWebhooks).where(eq(alertWebhooks.scope, scope)).returning({ url: alertWebhooks.url });
  return row?.url ?? null;
}

/**
 * Stores a delivery's outcome on the webhook row: a success clears the failure count, a failure adds one. Only while
 * the row still has `url` (a URL changed during the delivery keeps its clean status).
 */
export async function recordWebhookDelivery(
  { scope, url, outcome }: { scope: string; url: string; outcome: { ok: true } | { ok: false; status: string; error: string | null } },
  executor?: DbExecutor,
): Promise<void> {
  const db = executor ?? (await getDb());
  await db
    .update(alertWebhooks)
    .set(
      outcome.ok
        ? { lastStatus: "ok", lastError: null, lastAttemptAt: new Date(), consecutiveFailures: 0 }
        : { lastStatus: outcome.status, lastError: outcome.error, lastAttemptAt: new Date(), consecutiveFailures: sql`${alertWebhooks.consecutiveFailures} + 1` },
    )
    .where(and(eq(alertWebhooks.scope, scope), eq(alertWebhooks.url, url)));
}

/**
 * Where the alerts of these users go: the webhooks of the given scopes (the users' own and the organisation's), and
 * the users' emails for the payload (a deleted user is absent). No emails are read when there is no webhook.
 */
export async function listAlertWebhookTargets(
  { userIds, scopes }: { userIds: string[]; scopes: string[] },
  executor?: DbExecutor,
): Promise<{ hooks: AlertWebhook[]; emails: Map<string, string> }> {
  const db = executor ?? (await getDb());
  const hooks = await db.select().from(alertWebhooks).where(inArray(alertWebhooks.scope, scopes));
  if (hooks.length === 0 || userIds.length === 0) return { hooks, emails: new Map() };
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds));
  return { hooks, emails: new Map(rows.map((r) => [r.id, r.email])) };
}
