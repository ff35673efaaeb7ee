import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, ERROR_CODES, toAppError } from "./errors";

describe("AppError", () => {
  it("maps every code to a 4xx/5xx status and a non-empty message", () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      const error = new AppError(code as keyof typeof ERROR_CODES);
      expect(error.status, code).toBe(status);
      expect(status >= 400 && status < 600, code).toBe(true);
      expect(error.message.length, code).toBeGreaterThan(5);
    }
  });

  it("serialises to the wire shape and is rebuilt from it", () => {
    const original = new AppError("email_taken", undefined, { details: { field: "email" } });
    const wire = JSON.parse(JSON.stringify(original.toJSON()));
    expect(wire).toEqual({
      error: { code: "email_taken", message: ERROR_CODES.email_taken.message, details: { field: "email" } },
    });
    const rebuilt = AppError.fromPayload(wire);
    expect(rebuilt.code).toBe("email_taken");
    expect(rebuilt.status).toBe(409);
  });

  it("rebuilds an unknown payload as a generic error by status", () => {
    expect(AppError.fromPayload({ nope: 1 }, 502).code).toBe("internal");
    expect(AppError.fromPayload("<html>", 400).code).toBe("bad_request");
  });

  it("turns a zod error into a 400 naming the field", () => {
    const result = z.object({ email: z.email() }).safeParse({ email: "nope" });
    expect(result.success).toBe(false);
    const error = toAppError(result.error);
    expect(error.status).toBe(400);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toMatch(/^email: /);
    expect(error.details).toEqual({ fieldErrors: { email: [expect.any(String)] } });
  });

  it("hides the message of an unexpected error", () => {
    const error = toAppError(new Error("connection string postgres://secret@host"));
    expect(error.code).toBe("internal");
    expect(error.message).not.toContain("secret");
  });
});
