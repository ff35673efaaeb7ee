import "server-only";
import { listUsageEvents, type EventCursor } from "@/db/queries/usage-event-pages";
import { logFailure } from "@/lib/log";
import { USAGE_EVENT_COLUMNS, USAGE_EVENT_CSV_HEADERS, toUsageEventJson, usageEventCsvCells, type CsvCell, type UsageEventRow } from "@/lib/usage/event";
import type { ResolvedRange } from "./contract";

/** The CSV export of one user's usage events: columns and cells from lib/usage/event.ts, streamed a page at a time. */

/** Events per database round trip of the CSV export. */
export const EXPORT_PAGE_SIZE = 1000;

/** One CSV field: quoted when it must be; text a spreadsheet would run as a formula is defused with a leading '. */
function csvField({ value, text }: { value: CsvCell; text: boolean }): string {
  if (value === null) return "";
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function usageEventCsvLine(row: UsageEventRow): string {
  return usageEventCsvCells(toUsageEventJson(row)).map(csvField).join(",");
}

export function exportFilename(range: Pick<ResolvedRange, "from" | "to">): string {
  return `spendboard-usage-${range.from}-${range.to}.csv`;
}

/**
 * Every usage event of one user in the range as CSV (a header row, then oldest first), streamed: each pull reads the
 * next page of events after a (created_at, id) keyset cursor, so the range is never held in memory.
 */
export function exportUsageCsv({ userId, range, pageSize = EXPORT_PAGE_SIZE }: { userId: string; range: ResolvedRange; pageSize?: number }): Response {
  const encoder = new TextEncoder();
  let cursor: EventCursor | undefined;
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${USAGE_EVENT_CSV_HEADERS.join(",")}\r\n`));
        return;
      }
      try {
        const rows = await listUsageEvents({
          userId,
          startsAt: range.startsAt,
          endsAt: range.endsAt,
          order: "asc",
          limit: pageSize,
          cursor,
          columns: USAGE_EVENT_COLUMNS,
        });
        if (rows.length > 0) {
          controller.enqueue(encoder.encode(rows.map((row) => `${usageEventCsvLine(row.event)}\r\n`).join("")));
          cursor = rows.at(-1)!.cursor;
        }
        if (rows.length < pageSize) controller.close();
      } catch (error) {
        logFailure("usage", `CSV export for user ${userId}`, error);
        controller.error(error);
      }
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFilename(range)}"`,
      "cache-control": "no-store",
    },
  });
}
