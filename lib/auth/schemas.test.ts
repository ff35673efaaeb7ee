import { describe, expect, it } from "vitest";
import { registerSchema, signInSchema } from "./schemas";

describe("registration input", () => {
  it("normalises the email and accepts a good password", () => {
    const parsed = registerSchema.parse({ email: "  Ada@Example.COM ", password: "correct horse", name: " Ada " });
    expect(parsed).toEqual({ email: "ada@example.com", password: "correct horse", name: "Ada" });
  });

  it("names the field and the reason for each bad input", () => {
    const result = registerSchema.safeParse({ email: "not-an-email", password: "short" });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(fields).toContainEqual(["email", "Enter a valid email address, like name@example.com."]);
    expect(fields).toContainEqual(["password", "Use at least 8 characters."]);
  });

  it("refuses passwords bcrypt would truncate", () => {
    expect(registerSchema.safeParse({ email: "a@b.co", password: "x".repeat(72) }).success).toBe(true);
    expect(registerSchema.safeParse({ email: "a@b.co", password: "x".repeat(73) }).success).toBe(false);
    // 4-byte characters: 19 of them are 76 bytes
    expect(registerSchema.safeParse({ email: "a@b.co", password: "😀".repeat(19) }).success).toBe(false);
  });

  it("treats an empty name as absent", () => {
    expect(registerSchema.parse({ email: "a@b.co", password: "12345678", name: "  " }).name).toBeUndefined();
  });

  it("requires a password to sign in", () => {
    expect(signInSchema.safeParse({ email: "a@b.co", password: "" }).success).toBe(false);
  });
});

describe("text the database cannot store", () => {
  it("refuses a NUL or a lone surrogate in the name with a clear message", () => {
    for (const name of ["Ada\u0000", "Ada\ud800"]) {
      const result = registerSchema.safeParse({ email: "a@b.co", password: "12345678", name });
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]!.message).toMatch(/cannot be stored/);
    }
  });
});
