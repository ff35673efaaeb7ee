import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { disableUser, getUserByEmail, getUserById } from "@/db/queries/users";
import { users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { freshDatabasePerFile, withFreshDatabase } from "@/tests/support/test-db";
import { authenticateWithPassword, registerWithPassword, signInWithOAuth } from "./accounts";

const uniqueEmail = (tag = "user") => `${tag}-${randomUUID()}@example.test`;

async function expectAppError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe("first account becomes admin", () => {
  it("makes the first account admin and later ones user", async () => {
    await withFreshDatabase(async () => {
      const first = await registerWithPassword({ email: uniqueEmail("first"), password: "first-password" });
      const second = await registerWithPassword({ email: uniqueEmail("second"), password: "second-password" });
      expect(first.role).toBe("admin");
      expect(second.role).toBe("user");
    });
  });

  it("gives exactly one admin when the first accounts are created at the same time", async () => {
    await withFreshDatabase(async (handle) => {
      const created = await Promise.all(
        Array.from({ length: 6 }, (_, i) => registerWithPassword({ email: uniqueEmail(`race${i}`), password: "race-password" })),
      );
      expect(created.filter((u) => u.role === "admin")).toHaveLength(1);
      const rows = await handle.db.select({ role: users.role }).from(users);
      expect(rows.filter((r) => r.role === "admin")).toHaveLength(1);
      expect(rows).toHaveLength(6);
    });
  });

  it("makes an OAuth sign-up the admin when it is the first account", async () => {
    await withFreshDatabase(async () => {
      const user = await signInWithOAuth({ provider: "github", providerAccountId: "1", email: uniqueEmail("gh") });
      expect(user.role).toBe("admin");
    });
  });
});

describe("password accounts", () => {
  freshDatabasePerFile();

  it("stores a bcrypt hash, never the password", async () => {
    const email = uniqueEmail();
    const user = await registerWithPassword({ email, password: "a fine password" });
    const row = await getUserById({ id: user.id });
    expect(row!.passwordHash).toMatch(/^\$2[aby]\$\d\d\$/);
    expect(row!.passwordHash).not.toContain("a fine password");
  });

  it("refuses a duplicate email, whatever its case", async () => {
    const email = uniqueEmail();
    await registerWithPassword({ email, password: "password-one" });
    const error = await expectAppError(
      registerWithPassword({ email: `  ${email.toUpperCase()} `, password: "password-two" }),
      "email_taken",
    );
    expect(error.status).toBe(409);
    expect(error.details).toEqual({ field: "email" });
  });

  it("refuses bad input with field errors and creates nothing", async () => {
    const error = await expectAppError(registerWithPassword({ email: "nope", password: "short" }), "validation_failed");
    expect(error.status).toBe(400);
    expect(Object.keys((error.details as { fieldErrors: object }).fieldErrors).sort()).toEqual(["email", "password"]);
    expect(await getUserByEmail({ email: "nope" })).toBeUndefined();
  });

  it("signs in with the right password only", async () => {
    const email = uniqueEmail();
    const user = await registerWithPassword({ email, password: "right password" });
    const signedIn = await authenticateWithPassword({ email: email.toUpperCase(), password: "right password" });
    expect(signedIn?.id).toBe(user.id);
    expect(signedIn?.lastSignInAt).toBeNull(); // the row as read before this sign-in
    const row = await getUserById({ id: user.id });
    expect(row!.lastSignInAt).toBeInstanceOf(Date);

    expect(await authenticateWithPassword({ email, password: "wrong password" })).toBeNull();
    expect(await authenticateWithPassword({ email: uniqueEmail("ghost"), password: "right password" })).toBeNull();
    expect(await authenticateWithPassword({ email, password: "" })).toBeNull();
  });

  it("refuses a disabled account even with the right password", async () => {
    const email = uniqueEmail();
    const user = await registerWithPassword({ email, password: "right password" });
    await disableUser({ id: user.id });
    await expectAppError(authenticateWithPassword({ email, password: "right password" }), "account_disabled");
    // a wrong password still says nothing about the account
    expect(await authenticateWithPassword({ email, password: "wrong password" })).toBeNull();
  });
});

describe("OAuth accounts", () => {
  freshDatabasePerFile();

  it("creates a user for a new identity and signs the same user in next time", async () => {
    const providerAccountId = randomUUID();
    const email = uniqueEmail("oauth");
    const created = await signInWithOAuth({ provider: "github", providerAccountId, email, name: "Grace" });
    expect(created.email).toBe(email);
    expect(created.passwordHash).toBeNull();
    const again = await signInWithOAuth({ provider: "github", providerAccountId, email: uniqueEmail("changed") });
    expect(again.id).toBe(created.id);
    // an OAuth-only account has no password to sign in with
    expect(await authenticateWithPassword({ email, password: "anything at all" })).toBeNull();
  });

  it("refuses to link a new identity to an existing account's email", async () => {
    const email = uniqueEmail("taken");
    await registerWithPassword({ email, password: "password-one" });
    await expectAppError(signInWithOAuth({ provider: "google", providerAccountId: randomUUID(), email }), "oauth_email_conflict");
  });

  it("refuses an identity without an email", async () => {
    await expectAppError(signInWithOAuth({ provider: "github", providerAccountId: randomUUID(), email: null }), "bad_request");
  });
});
