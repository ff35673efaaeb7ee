import "server-only";
import {
  clearThrottleKey,
  getThrottleRows,
  lockThrottleKey,
  recordThrottleFailure,
} from "@/db/queries/sign-in-throttle";
import { AppError } from "@/lib/errors";

/**
 * Sign-in throttling: failed sign-ins are counted per account (the normalised email, whether or not it has an account)
 * and per client address. The first `free` failures of a key cost nothing; each one after locks the key for
 * 2^(failures − free) seconds, at most 15 minutes. Failures more than an hour old are forgotten; a successful sign-in
 * clears its account's count (not its address's: one good account must not unlock an address guessing others).
 * The check runs before any password check, so a locked key costs no bcrypt.
 *
 * The address is the first hop of `x-forwarded-for` (or `x-real-ip`): run the app behind a proxy that sets it, or a
 * client can pick its own address key (the account key still holds).
 */
export const SIGN_IN_THROTTLE = {
  accountFreeFailures: 5,
  addressFreeFailures: 20,
  maxLockSeconds: 15 * 60,
  forgetAfterMs: 60 * 60 * 1000,
} as const;

export interface SignInClient {
  email: unknown;
  /** The client address, or null where there is none to count (e.g. a password change, already signed in). */
  address: string | null;
}

function normalisedEmail(email: unknown): string {
  return String(email ?? "")
    .trim()
    .toLowerCase()
    .slice(0, 254);
}

function keysOf({ email, address }: SignInClient): { key: string; free: number }[] {
  const keys: { key: string; free: number }[] = [
    { key: `account:${normalisedEmail(email)}`, free: SIGN_IN_THROTTLE.accountFreeFailures },
  ];
  if (address !== null) keys.push({ key: `ip:${address}`, free: SIGN_IN_THROTTLE.addressFreeFailures });
  return keys;
}

/** Seconds a key is locked for after its `failures`-th failure in a row. */
export function lockSeconds(failures: number, free: number): number {
  if (failures <= free) return 0;
  return Math.min(2 ** Math.min(failures - free, 30), SIGN_IN_THROTTLE.maxLockSeconds);
}

/** The client address of a request: first hop of x-forwarded-for, else x-real-ip, else "unknown". */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded || headers.get("x-real-ip")?.trim() || "unknown";
  return address.slice(0, 64);
}

export function rateLimitedError(retryAfterSeconds: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError("rate_limited", `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, {
    details: { retryAfterSeconds: seconds },
  });
}

/** Seconds until this client may try again (0: now). */
export async function signInRetryAfter(client: SignInClient): Promise<number> {
  const now = Date.now();
  const rows = await getThrottleRows({ keys: keysOf(client).map((k) => k.key) });
  let wait = 0;
  for (const row of rows) {
    if (!row.lockedUntil || row.lastFailureAt.getTime() < now - SIGN_IN_THROTTLE.forgetAfterMs) continue;
    wait = Math.max(wait, (row.lockedUntil.getTime() - now) / 1000);
  }
  return wait;
}

/** Throws `rate_limited` ("Try again in N seconds.") while the account or the address is locked. */
export async function assertSignInAllowed(client: SignInClient): Promise<void> {
  const wait = await signInRetryAfter(client);
  if (wait > 0) throw rateLimitedError(wait);
}

/** Counts a failed sign-in for the account and the address, and locks whichever has had too many. */
export async function recordFailedSignIn(client: SignInClient): Promise<void> {
  const now = new Date();
  const resetBefore = new Date(now.getTime() - SIGN_IN_THROTTLE.forgetAfterMs);
  for (const { key, free } of keysOf(client)) {
    const failures = await recordThrottleFailure({ key, now, resetBefore });
    const seconds = lockSeconds(failures, free);
    if (seconds > 0) await lockThrottleKey({ key, until: new Date(now.getTime() + seconds * 1000) });
  }
}

/** A successful sign-in clears the account's failures. */
export async function recordSuccessfulSignIn({ email }: { email: unknown }): Promise<void> {
  await clearThrottleKey({ key: `account:${normalisedEmail(email)}` });
}
