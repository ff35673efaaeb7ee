import "server-only";
import { z } from "zod";
import {
  createUser,
  getUserByEmail,
  getUserByOAuthAccount,
  linkOAuthAccount,
  recordSignIn,
  setPasswordEndingSessions,
} from "@/db/queries/users";
import type { User } from "@/db/schema";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password";
import { changePasswordSchema, emailSchema, registerSchema, signInSchema } from "./schemas";
import { assertSignInAllowed, recordFailedSignIn, recordSuccessfulSignIn } from "./sign-in-throttle";
import { AppError, validationError } from "@/lib/errors";
import { admitNewAccount, assertMayRegister } from "@/lib/registration/admission";
import { forgetInvitationForOAuth, invitationForOAuth } from "@/lib/registration/invite-cookie";
import { text } from "@/lib/validation/text";

const inviteSchema = z.object({ invite: text().trim().max(200, "This invitation link is not valid.").optional() });

/**
 * Creates an email + password account, if the registration policy admits it (lib/registration/admission.ts; `invite`
 * is the token of an invitation link). The first account ever created becomes admin whatever the policy.
 */
export async function registerWithPassword(input: unknown): Promise<User> {
  const parsed = registerSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  const invite = inviteSchema.safeParse(input ?? {});
  if (!invite.success) throw validationError(invite.error);
  const { email, password, name } = parsed.data;
  const inviteToken = invite.data.invite;
  await assertMayRegister({ email, inviteToken });
  if (await getUserByEmail({ email })) {
    throw new AppError("email_taken", undefined, { details: { field: "email" } });
  }
  const passwordHash = await hashPassword(password);
  return admitNewAccount({ email, inviteToken, create: (tx) => createUser({ email, name, passwordHash }, tx) });
}

/**
 * Checks an email + password. Returns the user, or null for any mismatch (without saying which part was wrong).
 * A disabled account with the right password gets `account_disabled`.
 */
export async function authenticateWithPassword(input: unknown): Promise<User | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const user = await getUserByEmail({ email });
  if (!user?.passwordHash) return burnPasswordCheck(password).then(() => null);
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  if (user.disabledAt) throw new AppError("account_disabled");
  await recordSignIn({ id: user.id });
  return user;
}

/**
 * The Credentials provider's check (Auth.js `authorize`, reached by the sign-in form and by a direct POST to
 * /api/auth/callback/credentials alike): throttled per account and client address before any password is checked
 * (`rate_limited` while locked), a failure counted, a success clearing the account's count.
 */
export async function authenticateThrottled(input: unknown, address: string): Promise<User | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const client = { email: parsed.data.email, address };
  await assertSignInAllowed(client);
  const user = await authenticateWithPassword(parsed.data);
  if (!user) {
    await recordFailedSignIn(client);
    return null;
  }
  await recordSuccessfulSignIn(client);
  return user;
}

export interface OAuthProfile {
  provider: string;
  providerAccountId: string;
  email?: string | null;
  name?: string | null;
  image?: string | null;
  /**
   * The token of the invitation link the sign-up started from (a new account only); by default the one the register
   * page's OAuth button left in this browser's cookie.
   */
  inviteToken?: string | null;
}

/**
 * Signs in through GitHub or Google. A known identity signs in its user; a new identity creates an account if the
 * registration policy admits it (refused: `forbidden` with the reason), unless an account already owns that email —
 * then we refuse rather than link silently (which would let whoever controls the OAuth account take over a password
 * account).
 */
export async function signInWithOAuth(profile: OAuthProfile): Promise<User> {
  const known = await getUserByOAuthAccount(profile);
  if (known) {
    if (known.disabledAt) throw new AppError("account_disabled");
    await recordSignIn({ id: known.id });
    return known;
  }
  const email = emailSchema.safeParse(profile.email);
  if (!email.success) {
    throw new AppError("bad_request", "Your account at the sign-in provider has no verified email address.");
  }
  if (await getUserByEmail({ email: email.data })) throw new AppError("oauth_email_conflict");
  const inviteToken = profile.inviteToken ?? (await invitationForOAuth());
  const user = await admitNewAccount({
    email: email.data,
    inviteToken,
    create: async (tx) => {
      const created = await createUser({ email: email.data, name: profile.name, image: profile.image }, tx);
      await linkOAuthAccount({ userId: created.id, provider: profile.provider, providerAccountId: profile.providerAccountId }, tx);
      return created;
    },
  });
  if (inviteToken) await forgetInvitationForOAuth();
  await recordSignIn({ id: user.id });
  return user;
}

/**
 * Changes a password account's password after checking the current one, and ends every session of the user (all
 * devices, this one too) in the same transaction. The caller signs this browser in again with the new password.
 */
export async function changePassword(user: Pick<User, "id" | "email" | "passwordHash">, input: unknown): Promise<{ newPassword: string }> {
  const parsed = changePasswordSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  const { currentPassword, newPassword } = parsed.data;
  if (!user.passwordHash) {
    throw new AppError("bad_request", "This account signs in with GitHub or Google; it has no password to change.");
  }
  // Guessing the current password from a stolen session is throttled like signing in (per account).
  const client = { email: user.email, address: null };
  await assertSignInAllowed(client);
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    await recordFailedSignIn(client);
    throw new AppError("validation_failed", "The current password is not right.", {
      details: { fieldErrors: { currentPassword: ["The current password is not right."] } },
    });
  }
  if (newPassword === currentPassword) {
    throw new AppError("validation_failed", "Choose a new password different from the current one.", {
      details: { fieldErrors: { newPassword: ["Choose a new password different from the current one."] } },
    });
  }
  const changed = await setPasswordEndingSessions({
    id: user.id,
    expectedHash: user.passwordHash,
    passwordHash: await hashPassword(newPassword),
    now: new Date(),
  });
  if (!changed) throw new AppError("bad_request", "The password was changed elsewhere just now. Sign in again and retry.");
  return { newPassword };
}
