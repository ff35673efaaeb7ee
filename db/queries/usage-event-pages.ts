import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { apiTokens, teamMembers, teams, usageEvents } from "@/db/schema";
import type { JOINED_EVENT_COLUMNS, UsageEventSource } from "@/lib/usage/event";
import { eventsWhere } from "./usage-rows";

/** A position in (created_at, id) order: created_at in microseconds since the epoch (exact), and the event id. */
export interface EventCursor {
  micros: string;
  id: string;
}

const cursorInstant = (cursor: EventCursor) => sql`(timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond')`;

/** The name of the team the event's user is in now (null: none). */
const teamOfUser = sql<string | null>`(select t.name from ${teamMembers} tm join ${teams} t on t.id = tm.team_id
  where tm.user_id = usage_events.user_id)`.as("team");

/** The name of the API token that made the call (null: none, e.g. chat). */
const tokenName = sql<string | null>`(select name from ${apiTokens} where ${apiTokens.id} = usage_events.api_token_id)`.as("api_token_name");

/** Every joined field of the event definition, and how it is read. */
const JOINED: Record<(typeof JOINED_EVENT_COLUMNS)[number], typeof teamOfUser> = { team: teamOfUser, apiTokenName: tokenName };

/**
 * One user's events in an instant range, a page at a time by a (created_at, id) keyset: newest first (`desc`, the
 * page after `cursor` is older) or oldest first (`asc`, for the export). The cursor also bounds created_at, so every
 * page is an index range scan (`usage_events_user_created_idx`) that starts where the last one ended. Reads only
 * `columns`; each row comes with its own cursor (a JS Date has only milliseconds).
 */
export async function listUsageEvents<C extends keyof UsageEventSource>(
  args: {
    userId: string;
    startsAt: string;
    endsAt: string;
    order: "asc" | "desc";
    limit: number;
    cursor?: EventCursor;
    columns: readonly C[];
  },
  executor?: DbExecutor,
): Promise<{ event: Pick<UsageEventSource, C>; cursor: EventCursor }[]> {
  const { cursor } = args;
  const after = !cursor
    ? sql``
    : args.order === "desc"
      ? sql`and created_at <= ${cursorInstant(cursor)} and (created_at, id) < (${cursorInstant(cursor)}, ${cursor.id}::uuid)`
      : sql`and created_at >= ${cursorInstant(cursor)} and (created_at, id) > (${cursorInstant(cursor)}, ${cursor.id}::uuid)`;
  const direction = sql.raw(args.order === "desc" ? "desc" : "asc");
  const selection = Object.fromEntries(args.columns.map((column) => [column, JOINED[column as keyof typeof JOINED] ?? usageEvents[column as keyof typeof usageEvents.$inferSelect]]));
  const db = executor ?? (await getDb());
  const rows = (await db
    .select({
      ...selection,
      cursorId: sql<string>`id::text`.as("cursor_id"),
      cursorMicros: sql<string>`(extract(epoch from created_at) * 1000000)::bigint::text`.as("cursor_micros"),
    })
    .from(usageEvents)
    .where(sql`${eventsWhere(args)} ${after}`)
    .orderBy(sql`usage_events.created_at ${direction}, usage_events.id ${direction}`)
    .limit(args.limit)) as (Pick<UsageEventSource, C> & { cursorId: string; cursorMicros: string })[];
  return rows.map(({ cursorId, cursorMicros, ...event }) => ({
    event: event as unknown as Pick<UsageEventSource, C>,
    cursor: { micros: String(cursorMicros), id: cursorId },
  }));
}
