import "server-only";
import { forbidden, redirect } from "next/navigation";
import { auth } from "@/app/(auth)/auth";
import { getUserForSession, type SessionClaimed } from "@/db/queries/sessions";
import type { User } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { accountNotActiveError } from "@/lib/registration/account-status";

/**
 * The one way to read the current user: the session token says who and which session, the database says whether that
 * session still holds and what the user may do now — in one query, on every request. A token counts only while its
 * `user_sessions` row is neither revoked (sign-out) nor expired, and was issued at the user's current session version
 * (disabling, a role change or a password change bump it and so end every session at once). Tokens without a session
 * id (issued before sessions could be ended) are refused.
 */
export async function getCurrentUser(): Promise<User | null> {
  const claim = await currentSessionClaim();
  return claim ? userOfClaim(claim) : null;
}

/** Who the session cookie says is calling, before the database has confirmed it (no query). */
export type SessionClaim = SessionClaimed;

export async function currentSessionClaim(): Promise<SessionClaim | null> {
  const session = await auth();
  const id = session?.user?.id;
  const { sid, sv } = session ?? {};
  if (!id || typeof sid !== "string" || typeof sv !== "number") return null;
  return { userId: id, sessionId: sid, sessionVersion: sv };
}

/** The claim's user, if its session still holds (getCurrentUser's one query). */
async function userOfClaim(claim: SessionClaim): Promise<User | null> {
  return acceptedUser(await getUserForSession({ ...claim, now: new Date() }));
}

/** A user row the session check found, if it may still be signed in (not disabled). */
function acceptedUser(user: User | null | undefined): User | null {
  return user && !user.disabledAt ? user : null;
}

function usable(user: User | null): User {
  if (!user) throw new AppError("unauthorized");
  if (user.status !== "active") throw accountNotActiveError(user.status);
  return user;
}

/**
 * A signed-in user who may use the app. An account waiting for approval (or rejected) is signed in but gets 403 with
 * the reason on every route and action: it reaches nothing, so it costs nothing.
 */
export async function requireUser(): Promise<User> {
  return usable(await getCurrentUser());
}

/**
 * requireUser in two halves, for a route that reads for the claimed user before the session is confirmed: the claim
 * (401 at once without a valid cookie), and the check. The route may make the check part of its own read
 * (`checkedBy` with the user row that read found under the claim: db/queries/sessions.ts sessionHolds); else awaiting
 * `user` runs requireUser's query. Nothing read may be answered or written before `user` resolved.
 */
export interface ClaimedUser {
  id: string;
  claim: SessionClaim;
  /** The checked user (401/403 when the session does not hold or the account may not use the app). */
  readonly user: Promise<User>;
  /** The user row a read found under `claim` (sessionHolds), or none: that read was the session check. */
  checkedBy(row: User | null | undefined): void;
}

export async function requireClaimedUser(): Promise<ClaimedUser> {
  const claim = await currentSessionClaim();
  if (!claim) throw new AppError("unauthorized");
  let checked: Promise<User> | undefined;
  const settle = (found: Promise<User | null>) => {
    checked ??= found.then(usable);
    checked.catch(() => undefined); // awaited by the route; never an unhandled rejection
    return checked;
  };
  return {
    id: claim.userId,
    claim,
    get user() {
      return checked ?? settle(userOfClaim(claim));
    },
    checkedBy(row) {
      settle(Promise.resolve(acceptedUser(row)));
    },
  };
}

export async function requireAdmin(): Promise<User> {
  const user = await requireUser();
  if (user.role !== "admin") throw new AppError("admin_required");
  return user;
}

/**
 * For server components. Layouts and pages render in parallel, so every page checks for itself:
 * no user → /login; not an admin → the 403 page.
 */
export async function requireUserPage(): Promise<User> {
  const user = await getCurrentUser();
  // proxy.ts sends visitors without a session to /login first, so here the session outlived its account.
  if (!user) redirect("/login?error=session_ended");
  // Pending and rejected accounts see only the waiting page (app/(auth)/pending).
  if (user.status !== "active") redirect("/pending");
  return user;
}

export async function requireAdminPage(): Promise<User> {
  const user = await requireUserPage();
  if (user.role !== "admin") forbidden();
  return user;
}
