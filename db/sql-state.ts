/**
 * PostgreSQL error codes (SQLSTATE) as every driver reports them: on the error itself or on a cause it is wrapped in
 * (drizzle's DrizzleQueryError, a retry's error), at most a few levels down.
 */
export function hasSqlState(error: unknown, code: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === code) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** unique_violation: a row with that key exists already. */
export const isUniqueViolation = (error: unknown): boolean => hasSqlState(error, "23505");

/** foreign_key_violation: a row the write refers to is gone. */
export const isForeignKeyViolation = (error: unknown): boolean => hasSqlState(error, "23503");
