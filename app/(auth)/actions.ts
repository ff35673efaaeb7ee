"use server";

import { z } from "zod";
import { auth, signIn, signOut } from "./auth";
import { registerWithPassword } from "@/lib/auth/accounts";
import { safeReturnPath } from "@/lib/auth/return-path";
import { registerSchema, signInSchema } from "@/lib/auth/schemas";
import { endSession } from "@/lib/auth/user-sessions";
import { publicAction } from "@/lib/http/action";

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

export const signInWithPassword = publicAction(signInSchema.extend(returnTo), async (data, _user, formData) => {
  try {
    await signIn("credentials", {
      email: data.email,
      password: data.password,
      redirectTo: safeReturnPath(data.callbackUrl),
    });
  } catch (error) {
    const code = credentialsFailure(error);
    if (code !== null) {
      const disabled = code === "account_disabled";
      return {
        error: disabled
          ? "This account is disabled. Ask an admin to enable it again."
          : "Wrong email or password.",
        values: { email: String(formData.get("email") ?? "") },
      };
    }
    throw error;
  }
});

export const register = publicAction(registerSchema.extend(returnTo), async (data) => {
  await registerWithPassword(data);
  await signIn("credentials", {
    email: data.email,
    password: data.password,
    redirectTo: safeReturnPath(data.callbackUrl),
  });
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
});

export const signInWithProvider = publicAction(providerSchema, async (data) => {
  await signIn(data.provider, { redirectTo: safeReturnPath(data.callbackUrl) });
});
