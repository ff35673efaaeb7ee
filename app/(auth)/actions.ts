"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn, signOut } from "./auth";
import { registerWithPassword } from "@/lib/auth/accounts";
import { registerSchema, safeReturnPath, signInSchema } from "@/lib/auth/schemas";
import { publicAction } from "@/lib/http/action";

const returnTo = { callbackUrl: z.string().optional() };

export const signInWithPassword = publicAction(signInSchema.extend(returnTo), async (data, _user, formData) => {
  try {
    await signIn("credentials", {
      email: data.email,
      password: data.password,
      redirectTo: safeReturnPath(data.callbackUrl),
    });
  } catch (error) {
    if (error instanceof AuthError && error.type === "CredentialsSignin") {
      const disabled = (error as AuthError & { code?: string }).code === "account_disabled";
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

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}

export async function signInWithProvider(formData: FormData): Promise<void> {
  const provider = z.enum(["github", "google"]).parse(formData.get("provider"));
  await signIn(provider, { redirectTo: safeReturnPath(formData.get("callbackUrl")) });
}
