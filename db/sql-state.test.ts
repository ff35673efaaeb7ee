import { describe, expect, it } from "vitest";
import { hasSqlState, isForeignKeyViolation, isUniqueViolation } from "./sql-state";

describe("SQLSTATE of a database error", () => {
  it("is found on the error or on the causes it is wrapped in", () => {
    const pg = Object.assign(new Error("duplicate key"), { code: "23505" });
    expect(isUniqueViolation(pg)).toBe(true);
    expect(isUniqueViolation(new Error("query failed", { cause: new Error("retried", { cause: pg }) }))).toBe(true);
    expect(isForeignKeyViolation(new Error("insert failed", { cause: Object.assign(new Error("fk"), { code: "23503" }) }))).toBe(true);
    expect(isForeignKeyViolation(pg)).toBe(false);
    expect(hasSqlState(null, "23505")).toBe(false);
    expect(hasSqlState("23505", "23505")).toBe(false);
  });

  it("stops on a cycle of causes", () => {
    const a: { code?: string; cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(hasSqlState(a, "23505")).toBe(false);
  });
});
