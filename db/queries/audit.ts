import "server-only";
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { auditLog, type AuditLogRow } from "@/db/schema";

export interface NewAuditRow {
  actorId: string;
  actorEmail: string;
  action: string;
  targetUserId: string | null;
  targetEmail: string | null;
  details: Record<string, unknown>;
}

/**
 * Appends one row, in the transaction of the change it records when given one (both commit together). `createdAt` is
 * set here, in milliseconds, rather than by the database's microsecond `now()`: the keyset cursor below carries
 * milliseconds, and must compare equal to the row it came from.
 */
export async function insertAuditRow(values: NewAuditRow, executor?: DbExecutor): Promise<AuditLogRow> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .insert(auditLog)
    .values({ ...values, createdAt: new Date() })
    .returning();
  return row!;
}

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

/** Newest first; pass the last row's `createdAt|id` as the cursor for the next page. Fetches `limit + 1` rows. */
export async function listAuditRows({
  limit,
  cursor,
  targetUserId,
}: {
  limit: number;
  cursor?: AuditCursor;
  targetUserId?: string;
}, executor?: DbExecutor): Promise<AuditLogRow[]> {
  const db = executor ?? (await getDb());
  const conditions: (SQL | undefined)[] = [];
  if (targetUserId) conditions.push(eq(auditLog.targetUserId, targetUserId));
  if (cursor) {
    conditions.push(or(lt(auditLog.createdAt, cursor.createdAt), and(eq(auditLog.createdAt, cursor.createdAt), lt(auditLog.id, cursor.id))));
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(limit + 1);
}
