import "server-only";
import { createSession, revokeSession } from "@/db/queries/sessions";

/**
 * How long a sign-in lasts: the session token and its `user_sessions` row expire together, 30 days after sign-in
 * (not extended by use: after 30 days the user signs in again).
 */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** The claims a session token carries besides the user id: its session row and the user's session version. */
export interface SessionClaims {
  sid: string;
  sv: number;
}

/** Opens a session for a user who has just signed in; null if the user does not exist. */
export async function startSession(userId: string): Promise<SessionClaims | null> {
  const now = new Date();
  const session = await createSession({ userId, now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) });
  return session ? { sid: session.id, sv: session.sessionVersion } : null;
}

/** Ends one session (sign-out): a copy of its token is refused from now on. */
export async function endSession(sid: unknown): Promise<void> {
  if (typeof sid === "string") await revokeSession({ id: sid, now: new Date() });
}
