import "server-only";
import { cookies } from "next/headers";
import { looksLikeInvitationToken } from "./invitation-token";

/**
 * Carries an invitation through a GitHub/Google sign-up: the register page's OAuth button stores the token in this
 * short-lived, HTTP-only cookie, and the Auth.js sign-in callback (a request to /api/auth/callback/…) reads it when the
 * identity is new. SameSite=Lax: it is sent on the top-level redirect back from the provider.
 */
const COOKIE = "spendboard-invite";
const MAX_AGE_SECONDS = 15 * 60;

/** Only from an invitation link: any other sign-in leaves cookies alone. */
export async function rememberInvitationForOAuth(token: string | undefined): Promise<void> {
  if (!token || !looksLikeInvitationToken(token)) return;
  (await cookies()).set(COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: process.env.NODE_ENV === "production" && (process.env.AUTH_URL ?? "").startsWith("https:"),
    path: "/",
    maxAge: MAX_AGE_SECONDS,
  });
}

/** The invitation token of this sign-up, if its browser came from an invitation link; undefined outside a request. */
export async function invitationForOAuth(): Promise<string | undefined> {
  try {
    const token = (await cookies()).get(COOKIE)?.value;
    return token && looksLikeInvitationToken(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Drops the cookie once its invitation created an account (best effort: nothing to drop outside a request). */
export async function forgetInvitationForOAuth(): Promise<void> {
  try {
    const jar = await cookies();
    if (jar.get(COOKIE)) jar.delete(COOKIE);
  } catch {
    // outside a request, or where cookies cannot be set (a page render): it expires by itself
  }
}
