"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { auth, signIn, signOut } from "./auth";
import { registerWithPassword } from "@/lib/auth/accounts";
import { safeReturnPath } from "@/lib/auth/return-path";
import { registerSchema, signInSchema } from "@/lib/auth/schemas";
import {
  assertSignInAllowed,
  clientAddress,
  rateLimitedError,
  signInRetryAfter,
  type SignInClient,
} from "@/lib/auth/sign-in-throttle";
import { endSession } from "@/lib/auth/user-sessions";
import { publicAction } from "@/lib/http/action";
import { rememberInvitationForOAuth } from "@/lib/registration/invite-cookie";

const returnTo = { callbackUrl: z.string().optional() };

/**
 * The code of Auth.js's CredentialsSignin error thrown through signIn() (e.g. "account_disabled"), or null for any
 * other error. Recognised by its `type`, as Auth.js names its errors, so this module does not load next-auth itself.
 */
function credentialsFailure(error: unknown): string | null {
  if (!(error instanceof Error) || (error as { type?: unknown }).type !== "CredentialsSignin") return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : "credentials";
}

/** The message for a refused credentials sign-in; rate_limited says how long to wait (read again: it may have grown). */
async function credentialsMessage(code: string, client: SignInClient): Promise<string> {
  if (code === "account_disabled") return "This account is disabled. Ask an admin to enable it again.";
  if (code === "rate_limited") return rateLimitedError(await signInRetryAfter(client)).message;
  return "Wrong email or password.";
}

/**
 * Signs this browser in with email and password and redirects (Auth.js throws the redirect); a refused sign-in
 * becomes the form's error state, after `prefix`.
 */
async function signInBrowser(data: { email: string; password: string; callbackUrl?: string }, client: SignInClient, prefix = "") {
  try {
    await signIn("credentials", {
      email: data.email,
      password: data.password,
      redirectTo: safeReturnPath(data.callbackUrl),
    });
  } catch (error) {
    const code = credentialsFailure(error);
    if (code === null) throw error;
    return { error: `${prefix}${await credentialsMessage(code, client)}`, values: { email: data.email } };
  }
}

const clientOf = async (email: string): Promise<SignInClient> => ({ email, address: clientAddress(await headers()) });

/**
 * Signs in with email and password. A locked account or address is refused here before any password check
 * ("Too many failed sign-ins. Try again in N seconds."); the Credentials provider counts failures (lib/auth/accounts.ts).
 */
export const signInWithPassword = publicAction(signInSchema.extend(returnTo), async (data) => {
  const client = await clientOf(data.email);
  await assertSignInAllowed(client);
  return signInBrowser(data, client);
});

/**
 * Creates the account (if the registration policy admits it; `invite` is the invitation link's token), then signs in;
 * if only the sign-in is refused (e.g. this address is locked), says so. An account that must wait for approval lands
 * on the waiting page.
 */
export const register = publicAction(registerSchema.extend({ ...returnTo, invite: z.string().optional() }), async (data) => {
  await registerWithPassword(data);
  return signInBrowser(data, await clientOf(data.email), "Your account is created. ");
});

/** Ends this browser's session row (a copied cookie stops working) and clears the cookie. */
export async function signOutAction(): Promise<void> {
  const session = await auth();
  await endSession(session?.sid);
  await signOut({ redirectTo: "/login" });
}

const providerSchema = z.object({
  provider: z.enum(["github", "google"], { error: "That sign-in provider is not available." }),
  ...returnTo,
  invite: z.string().max(200).optional(),
});

/** Starts a GitHub/Google sign-in; from an invitation link, the invitation goes along for a new account. */
export const signInWithProvider = publicAction(providerSchema, async (data) => {
  await rememberInvitationForOAuth(data.invite);
  await signIn(data.provider, { redirectTo: safeReturnPath(data.callbackUrl) });
});
