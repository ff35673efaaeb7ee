import "server-only";
import { getTableColumns, getTableName, is, SQL, type Table } from "drizzle-orm";
import type { DbExecutor } from "@/db";

/**
 * Statements written as text with numbered parameters, for the hot write paths. drizzle's builder spends about 2 µs per
 * parameter (it walks its SQL tree chunk by chunk), so a batch of usage events — some 40 columns a row — cost more CPU
 * to build than to run (about 170 µs a row against 7 µs as text). The text runs through the executor's own session, on
 * its connection or transaction, exactly as `executor.execute(sql\`…\`)` would.
 */

export type TextRow = Record<string, unknown>;

/** Runs a statement given as text and parameters (`$1`, `$2`, …); its rows as the driver returns them. */
export async function runText(executor: DbExecutor, text: string, params: unknown[]): Promise<TextRow[]> {
  const result = (await executor._.session.prepareQuery({ sql: text, params }, undefined, undefined, false).execute()) as { rows: TextRow[] };
  return result.rows;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * `insert into <table> (<columns>) select … from json_populate_recordset(null::<table>, <param>::json)` for these rows,
 * followed by `tail` (e.g. `on conflict do nothing returning …`), and the rows as that one JSON parameter: one parameter
 * however many rows, where a VALUES list took one per column per row (some 45 a usage event), each serialized and
 * sent on its own. Values are those drizzle's insert would store (timestamps as ISO text, JSON values nested, arrays as
 * JSON arrays); a column a row leaves undefined gets its `$defaultFn` (or `$onUpdateFn`) value, else its JS default;
 * a column no row gives, with a default the database computes (`defaultNow()`, `defaultRandom()`), is left to it.
 */
export function insertJsonText<T extends Table>(table: T, rows: T["$inferInsert"][], param: string, tail = ""): { text: string; json: string } {
  // As drizzle's insert: every column but those the database always generates.
  const columns = Object.entries(getTableColumns(table)).filter(([, column]) => column.generated === undefined || column.generated.type === "byDefault");
  const valueOf = (row: TextRow, key: string, column: (typeof columns)[number][1]): unknown => {
    let value = row[key];
    if (value === undefined && column.defaultFn) value = column.defaultFn();
    else if (value === undefined && column.default === undefined && column.onUpdateFn) value = column.onUpdateFn();
    else if (value === undefined) value = column.default;
    // (drizzle's `is` walks the prototype chain: only objects can be SQL, and dates, arrays and plain objects are not.)
    if (typeof value === "object" && value !== null && !(value instanceof Date) && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && is(value, SQL)) {
      throw new Error(`insertJsonText: column ${column.name} has an SQL value (or an SQL default some rows leave to it); use drizzle's insert`);
    }
    return typeof value === "bigint" ? value.toString() : value;
  };
  const used = columns.filter(([key, column]) => rows.some((row) => (row as TextRow)[key] !== undefined) || column.defaultFn || (column.default !== undefined && !is(column.default, SQL)));
  const objects = rows.map((row) => {
    const out: TextRow = {};
    for (const [key, column] of used) out[column.name] = valueOf(row as TextRow, key, column);
    return out;
  });
  const names = used.map(([, column]) => quoted(column.name)).join(", ");
  const name = quoted(getTableName(table));
  return { text: `insert into ${name} (${names}) select ${names} from json_populate_recordset(null::${name}, ${param}::json)${tail ? ` ${tail}` : ""}`, json: JSON.stringify(objects) };
}
