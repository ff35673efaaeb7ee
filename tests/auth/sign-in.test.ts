import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signInThrottle, users } from "@/db/schema";
import { authenticateThrottled, registerWithPassword } from "@/lib/auth/accounts";
import { lockSeconds, SIGN_IN_THROTTLE } from "@/lib/auth/sign-in-throttle";
import { AppError } from "@/lib/errors";
import type { ActionState } from "@/lib/http/action";
import { session } from "@/tests/support/chat";
import { freshDatabasePerFile } from "@/tests/support/test-db";

// Auth.js is replaced by the test session (tests/support/chat.ts): its signIn("credentials") runs the real Credentials
// check (authenticateThrottled, what `authorize` calls). This file also records what each action asked Auth.js for,
// gives the request's headers, and counts password checks, to prove a locked key costs no bcrypt.
const hoisted = vi.hoisted(() => ({
  signInCalls: [] as { provider: string; options: Record<string, unknown> }[],
  requestHeaders: new Headers(),
}));
vi.mock("@/app/(auth)/auth", async () => {
  const base = (await import("@/tests/support/chat")).mockAuth();
  return {
    ...base,
    signIn: async (provider: string, options: Record<string, unknown> = {}) => {
      hoisted.signInCalls.push({ provider, options });
      if (provider === "credentials") await base.signIn(provider, options);
    },
  };
});
vi.mock("next/headers", () => ({ headers: async () => hoisted.requestHeaders }));
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/password")>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword), burnPasswordCheck: vi.fn(real.burnPasswordCheck) };
});

const password = await import("@/lib/auth/password");
const actions = await import("@/app/(auth)/actions");
const db = freshDatabasePerFile();

const PASSWORD = "password-123";
const NOW = new Date("2027-05-10T12:00:00Z");

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) data.set(k, v);
  return data;
}
type Action = (state: ActionState, data: FormData) => Promise<ActionState>;
const run = (action: Action, values: Record<string, string> = {}) => action({}, form(values));

const email = (tag = "user") => `${tag}-${randomUUID()}@example.test`;
const address = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 6)}`;

function fromAddress(ip: string) {
  hoisted.requestHeaders = new Headers({ "x-forwarded-for": `${ip}, 10.0.0.1` });
}
const passwordChecks = () =>
  vi.mocked(password.verifyPassword).mock.calls.length + vi.mocked(password.burnPasswordCheck).mock.calls.length;
const advance = (seconds: number) => vi.setSystemTime(new Date(Date.now() + seconds * 1000));
const throttleRow = async (key: string) =>
  (await db.current().db.select().from(signInThrottle).where(eq(signInThrottle.key, key)))[0];

beforeEach(() => {
  hoisted.signInCalls.length = 0;
  fromAddress(address());
  session.current = null;
});
afterEach(() => {
  vi.useRealTimers();
});

// -------------------------------------------------------------------------------------------------------------------
// Open redirects: every action hands Auth.js only a same-origin path.

const HOSTILE = [
  "/\t/evil.example/x",
  "/%09/evil.example",
  "/\\evil.example",
  "/\\\\evil.example",
  "//evil.example",
  "https://evil.example",
  "javascript:alert(1)",
  "/.//evil.example",
];
const ALL_HOSTILE = HOSTILE.flatMap((v) => [v, encodeURIComponent(v), encodeURIComponent(encodeURIComponent(v))]);

function expectSameOriginPath(redirectTo: unknown) {
  expect(typeof redirectTo).toBe("string");
  const parsed = new URL(redirectTo as string, "https://app.example/x/y");
  expect(parsed.origin).toBe("https://app.example");
  expect(redirectTo).toMatch(/^\/(?![/\\])/);
  expect(redirectTo).not.toMatch(/evil\.example|javascript:/i);
}

describe("sign-in, registration and OAuth send the user only to a same-origin path", () => {
  it.each(ALL_HOSTILE)("sign-in with callbackUrl %j", async (callbackUrl) => {
    const user = await registerWithPassword({ email: email(), password: PASSWORD });
    const result = await run(actions.signInWithPassword, { email: user.email, password: PASSWORD, callbackUrl });
    expect(result).toEqual({ ok: true });
    expect(hoisted.signInCalls).toHaveLength(1);
    expect(hoisted.signInCalls[0]!.options.redirectTo).toBe("/dashboard");
    expectSameOriginPath(hoisted.signInCalls[0]!.options.redirectTo);
  });

  it.each(ALL_HOSTILE)("registration with callbackUrl %j", async (callbackUrl) => {
    const result = await run(actions.register, { email: email("reg"), password: PASSWORD, callbackUrl });
    expect(result).toEqual({ ok: true });
    expect(hoisted.signInCalls[0]!.options.redirectTo).toBe("/dashboard");
  });

  it.each(ALL_HOSTILE)("OAuth with callbackUrl %j", async (callbackUrl) => {
    const result = await run(actions.signInWithProvider, { provider: "github", callbackUrl });
    expect(result).toEqual({ ok: true });
    expect(hoisted.signInCalls).toEqual([{ provider: "github", options: { redirectTo: "/dashboard" } }]);
  });

  it("keeps an ordinary return path, and sends auth pages and the API to the dashboard", async () => {
    const user = await registerWithPassword({ email: email(), password: PASSWORD });
    for (const [callbackUrl, expected] of [
      ["/chat?c=1#m", "/chat?c=1#m"],
      ["/settings?tab=account", "/settings?tab=account"],
      ["/login", "/dashboard"],
      ["/api/me", "/dashboard"],
    ]) {
      hoisted.signInCalls.length = 0;
      await run(actions.signInWithPassword, { email: user.email, password: PASSWORD, callbackUrl: callbackUrl! });
      expect(hoisted.signInCalls[0]!.options.redirectTo).toBe(expected);
    }
    hoisted.signInCalls.length = 0;
    await run(actions.signInWithProvider, { provider: "google", callbackUrl: "/chat?c=2" });
    expect(hoisted.signInCalls).toEqual([{ provider: "google", options: { redirectTo: "/chat?c=2" } }]);
  });

  it("answers an unknown provider (or none) with the normal error state, never a 500", async () => {
    for (const values of [{ provider: "evil" }, { provider: "credentials" }, {}, { provider: "__proto__" }] as Record<string, string>[]) {
      const result = await run(actions.signInWithProvider, values);
      expect(result.fieldErrors?.provider).toEqual(["That sign-in provider is not available."]);
    }
    expect(hoisted.signInCalls).toHaveLength(0);
  });
});

// -------------------------------------------------------------------------------------------------------------------
// Sign-in abuse: per account and per address, exponential back-off, stored in the database.

describe("lock lengths", () => {
  it.each([
    [1, 5, 0],
    [5, 5, 0],
    [6, 5, 2],
    [7, 5, 4],
    [10, 5, 32],
    [14, 5, 512],
    [15, 5, 900],
    [500, 5, 900],
    [20, 20, 0],
    [21, 20, 2],
  ])("failure %i with %i free → %i s", (failures, free, seconds) => {
    expect(lockSeconds(failures, free)).toBe(seconds);
  });
});

describe("failed sign-ins are throttled", () => {
  it("per account: 5 free failures, then a lock that costs no password check, then back-off that doubles", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const user = await registerWithPassword({ email: email("victim"), password: PASSWORD });
    for (let i = 1; i <= 5; i++) {
      fromAddress(address()); // a different address each time: only the account key counts
      expect((await run(actions.signInWithPassword, { email: user.email, password: `wrong-${i}` })).error).toBe(
        "Wrong email or password.",
      );
    }
    // The 6th failure locks the account for 2 s.
    expect((await run(actions.signInWithPassword, { email: user.email, password: "wrong-6" })).error).toBe(
      "Wrong email or password.",
    );
    const checks = passwordChecks();
    const signIns = hoisted.signInCalls.length;
    const locked = await run(actions.signInWithPassword, { email: ` ${user.email.toUpperCase()} `, password: PASSWORD });
    expect(locked).toEqual({
      error: "Too many failed sign-ins. Try again in 2 seconds.",
      values: expect.objectContaining({ email: ` ${user.email.toUpperCase()} ` }),
    });
    expect(passwordChecks()).toBe(checks); // refused before bcrypt
    expect(hoisted.signInCalls.length).toBe(signIns); // and before Auth.js
    // The Credentials provider (a direct POST to /api/auth/callback/credentials) is refused the same way.
    await expect(authenticateThrottled({ email: user.email, password: PASSWORD }, "198.51.100.7")).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
      message: "Too many failed sign-ins. Try again in 2 seconds.",
      details: { retryAfterSeconds: 2 },
    });
    expect(passwordChecks()).toBe(checks);

    advance(2);
    expect((await run(actions.signInWithPassword, { email: user.email, password: "wrong-7" })).error).toBe(
      "Wrong email or password.",
    );
    expect((await run(actions.signInWithPassword, { email: user.email, password: PASSWORD })).error).toBe(
      "Too many failed sign-ins. Try again in 4 seconds.",
    );
    advance(3);
    expect((await run(actions.signInWithPassword, { email: user.email, password: PASSWORD })).error).toBe(
      "Too many failed sign-ins. Try again in 1 second.",
    );
    advance(1);
    // The right password now signs in, and clears the account's count.
    expect(await run(actions.signInWithPassword, { email: user.email, password: PASSWORD })).toEqual({ ok: true });
    expect(session.current?.user.id).toBe(user.id);
    expect(await throttleRow(`account:${user.email}`)).toBeUndefined();
  });

  it("caps the lock at 15 minutes", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const target = email("capped");
    for (let failures = 1; failures <= 17; failures++) {
      expect(await authenticateThrottled({ email: target, password: "wrong" }, address())).toBeNull();
      advance(lockSeconds(failures, SIGN_IN_THROTTLE.accountFreeFailures));
    }
    const row = await throttleRow(`account:${target}`);
    expect(row?.failures).toBe(17);
    advance(-900); // back to the moment of the 17th failure
    await expect(authenticateThrottled({ email: target, password: "wrong" }, address())).rejects.toMatchObject({
      message: "Too many failed sign-ins. Try again in 900 seconds.",
    });
  });

  it("forgets failures after an hour", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const target = email("forgotten");
    for (let i = 0; i < 6; i++) await authenticateThrottled({ email: target, password: "wrong" }, address());
    await expect(authenticateThrottled({ email: target, password: "wrong" }, address())).rejects.toBeInstanceOf(AppError);
    advance(61 * 60);
    expect(await authenticateThrottled({ email: target, password: "wrong" }, address())).toBeNull();
    expect((await throttleRow(`account:${target}`))?.failures).toBe(1);
  });

  it("per address: 20 free failures across any accounts, then the address is locked for every account", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const ip = address();
    fromAddress(ip);
    const user = await registerWithPassword({ email: email("bystander"), password: PASSWORD });
    for (let i = 0; i < 21; i++) {
      expect((await run(actions.signInWithPassword, { email: email("guess"), password: "wrong" })).error).toBe(
        "Wrong email or password.",
      );
    }
    expect((await run(actions.signInWithPassword, { email: user.email, password: PASSWORD })).error).toBe(
      "Too many failed sign-ins. Try again in 2 seconds.",
    );
    expect((await throttleRow(`ip:${ip}`))?.failures).toBe(21);
    // Another address is not affected; the first hop of x-forwarded-for is the address (x-real-ip without it).
    hoisted.requestHeaders = new Headers({ "x-real-ip": address() });
    expect(await run(actions.signInWithPassword, { email: user.email, password: PASSWORD })).toEqual({ ok: true });
  });

  it("a success clears the account's failures but not the address's", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const ip = address();
    fromAddress(ip);
    const user = await registerWithPassword({ email: email("clears"), password: PASSWORD });
    for (let i = 0; i < 3; i++) await run(actions.signInWithPassword, { email: user.email, password: "wrong" });
    expect((await throttleRow(`account:${user.email}`))?.failures).toBe(3);
    expect(await run(actions.signInWithPassword, { email: user.email, password: PASSWORD })).toEqual({ ok: true });
    expect(await throttleRow(`account:${user.email}`)).toBeUndefined();
    expect((await throttleRow(`ip:${ip}`))?.failures).toBe(3);
  });

  it("counts unknown emails like real ones (no hint which accounts exist) and a disabled account's right password not at all", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const ghost = email("ghost");
    for (let i = 0; i < 6; i++) await run(actions.signInWithPassword, { email: ghost, password: "wrong" });
    expect((await run(actions.signInWithPassword, { email: ghost, password: "wrong" })).error).toBe(
      "Too many failed sign-ins. Try again in 2 seconds.",
    );
    const disabled = await registerWithPassword({ email: email("disabled"), password: PASSWORD });
    await db.current().db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    expect((await run(actions.signInWithPassword, { email: disabled.email, password: PASSWORD })).error).toBe(
      "This account is disabled. Ask an admin to enable it again.",
    );
    expect(await throttleRow(`account:${disabled.email}`)).toBeUndefined();
  });

  it("throttles guessing the current password in Settings → Account", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const { changePassword } = await import("@/lib/auth/accounts");
    const user = await registerWithPassword({ email: email("settings"), password: PASSWORD });
    for (let i = 0; i < 6; i++) {
      await expect(changePassword(user, { currentPassword: "wrong", newPassword: "new password 1" })).rejects.toMatchObject({
        code: "validation_failed",
      });
    }
    await expect(changePassword(user, { currentPassword: PASSWORD, newPassword: "new password 1" })).rejects.toMatchObject({
      code: "rate_limited",
    });
  });
});
