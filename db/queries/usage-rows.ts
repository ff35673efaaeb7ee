import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";

/**
 * Shared by the dashboard reads (usage-reports.ts, usage-event-pages.ts, usage-admin-users.ts): raw rows of a
 * statement and their conversions. bigint sums come back as strings (or bigints): everything is converted with
 * Number() — nano-USD sums stay far below 2^53.
 */

export type Row = Record<string, unknown>;

export async function rowsOf(statement: SQL, executor?: DbExecutor): Promise<Row[]> {
  const db = executor ?? (await getDb());
  const result = (await db.execute(statement)) as unknown as { rows: Row[] };
  return result.rows;
}

export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
export const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

/** Events of one user (or everyone, `userId: null`) in an instant range: `startsAt` inclusive, `endsAt` exclusive. */
export function eventsWhere({ userId, startsAt, endsAt }: { userId: string | null; startsAt: string; endsAt: string }): SQL {
  const instants = sql`created_at >= ${startsAt}::timestamptz and created_at < ${endsAt}::timestamptz`;
  return userId ? sql`user_id = ${userId}::uuid and ${instants}` : instants;
}
