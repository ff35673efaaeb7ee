import "server-only";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { notifications, type Notification } from "@/db/schema";

/** The user's most recent notifications, newest first. */
export async function listRecentNotifications(
  { userId, limit = 20 }: { userId: string; limit?: number },
  executor?: DbExecutor,
): Promise<Notification[]> {
  const db = executor ?? (await getDb());
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

export async function countUnreadNotifications({ userId }: { userId: string }, executor?: DbExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ unread: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.unread ?? 0);
}

/** Marks every unread notification of the user read; returns how many changed. */
export async function markAllNotificationsRead({ userId }: { userId: string }, executor?: DbExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** Marks one of the user's notifications read (an already-read one keeps its time); false when it is not theirs. */
export async function markNotificationRead({ id, userId }: { id: string; userId: string }, executor?: DbExecutor): Promise<boolean> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  return Boolean(row);
}

export type NewNotification = Pick<Notification, "userId" | "kind" | "title" | "body" | "href" | "dedupeKey">;

/** Inserts a notification unless the user already has one with its dedupe key; returns it only when it is new. */
export async function insertNotificationOnce(values: NewNotification, executor?: DbExecutor): Promise<Notification | undefined> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .insert(notifications)
    .values(values)
    .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
    .returning();
  return row;
}
