/**
 * The one way to log a failure. Logs carry no user content: a failed query's error (drizzle's DrizzleQueryError)
 * prints its SQL *and its parameters* — chat text, prompts, emails — in its message, and PostgreSQL's own messages
 * quote the offending value (`invalid input syntax for type uuid: "…"`). So a failure is logged as what it is, not
 * what it says: the error's class, the query's name (`insert into "usage_events"`, never the parameters), the
 * PostgreSQL error code (SQLSTATE, e.g. 22021), the request id, and where in the code it happened. Errors that are
 * not database errors keep their message with quoted spans elided (JSON.parse quotes its input).
 */

const SQLSTATE = /^[0-9A-Z]{5}$/;
const SYSTEM_CODE = /^E[A-Z0-9_]{2,40}$/; // ECONNREFUSED, ECONNRESET…
const FRAMES = 6;

interface QueryError {
  query: string;
  params: unknown[];
}

function isQueryError(value: unknown): value is Error & QueryError {
  return value instanceof Error && typeof (value as Partial<QueryError>).query === "string" && "params" in value;
}

/** The errors of the `cause` chain, outermost first (at most 10, no cycles). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function className(value: unknown): string {
  // (drizzle is bundled and minified in a production build: its class name may not survive)
  if (isQueryError(value)) return "DrizzleQueryError";
  if (value instanceof Error) {
    return value.name !== "Error" ? value.name : value.constructor?.name || "Error";
  }
  return value === null ? "null" : typeof value;
}

/** `insert into "usage_events"`, `update "users"`, `select from "conversations"`: the verb and the first table. */
export function queryName(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? "query";
  const table = /\b(into|update|from)\s+("[^"]{1,63}"|\w{1,63})(?:\."?(\w{1,63})"?)?/i.exec(sql);
  if (!table) return verb;
  const name = table[3] ? `${table[2]}."${table[3]}"` : table[2];
  if (verb === "insert" || verb === "update") return `${verb} ${verb === "insert" ? "into " : ""}${name}`;
  if (verb === "delete") return `delete from ${name}`;
  return `${verb} from ${name}`;
}

/** Keeps a message's shape, drops what it quotes: `Unexpected token 'g', "garbage" is…` → `… '…', "…" is…`. */
function elideQuoted(message: string): string {
  return message
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/'[^'\n]*'/g, "'…'")
    .replace(/`[^`\n]*`/g, "`…`")
    .split("\n")[0]!
    .slice(0, 300);
}

/**
 * One line that says what failed without what it carried, e.g.
 * `DrizzleQueryError: insert into "usage_events" failed (PostgreSQL 22021, DatabaseError)`.
 */
export function describeError(error: unknown): string {
  const chain = causeChain(error);
  const query = chain.find(isQueryError);
  const codes = chain
    .map((e) => (e as { code?: unknown })?.code)
    .filter((c): c is string => typeof c === "string" && (SQLSTATE.test(c) || SYSTEM_CODE.test(c)));
  const sqlState = codes.find((c) => SQLSTATE.test(c));
  const databaseError = chain.find((e) => SQLSTATE.test(String((e as { code?: unknown })?.code)));
  const outer = className(error);

  if (query || databaseError) {
    const what = query ? `${queryName(query.query)} failed` : "a query failed";
    const details = [sqlState && `PostgreSQL ${sqlState}`, databaseError && className(databaseError)].filter(Boolean);
    const classes = [...new Set([outer, query && className(query)].filter(Boolean))].join(" ← ");
    return `${classes}: ${what}${details.length ? ` (${details.join(", ")})` : ""}`;
  }
  const message = error instanceof Error ? elideQuoted(error.message) : "";
  const code = codes[0] ? ` (${codes[0]})` : "";
  const cause = chain.length > 1 ? ` ← ${chain.slice(1).map(className).join(" ← ")}` : "";
  return `${outer}${message ? `: ${message}` : ""}${code}${cause}`;
}

/** The code locations of the error's stack (not its message: that may carry content, even lines like frames). */
function frames(error: unknown): string {
  if (!(error instanceof Error) || typeof error.stack !== "string") return "";
  const at = error.message ? error.stack.indexOf(error.message) : 0;
  if (at < 0) return ""; // the message changed after the stack was taken: no telling where it ends
  const afterMessage = error.stack.slice(at + error.message.length);
  return afterMessage
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, FRAMES)
    .join("\n");
}

/**
 * Logs a failure: `[scope] what failed (request id): <describeError>` and the code locations.
 * `requestId` ties the line to the answer the user saw (the API's `details.requestId`) or to a usage record.
 */
export function logFailure(scope: string, what: string, error: unknown, options: { requestId?: string } = {}): void {
  const request = options.requestId ? ` (request ${options.requestId})` : "";
  const where = frames(error);
  console.error(`[${scope}] ${what} failed${request}: ${describeError(error)}${where ? `\n${where}` : ""}`);
}
