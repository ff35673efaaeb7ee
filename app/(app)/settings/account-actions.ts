"use server";

import { signIn } from "@/app/(auth)/auth";
import { changePassword } from "@/lib/auth/accounts";
import { changePasswordSchema } from "@/lib/auth/schemas";
import { userAction } from "@/lib/http/action";

/**
 * Settings → Account: a new password ends every session of the user, on every device — this browser's too (one rule,
 * no exception to get wrong). This browser is then signed in again with the new password: a fresh session row and
 * cookie, so the user stays on the page.
 */
export const changePasswordAction = userAction(changePasswordSchema, async (data, user) => {
  const { newPassword } = await changePassword(user, data);
  await signIn("credentials", { email: user.email, password: newPassword, redirect: false });
  return { ok: true, message: "Password changed. You are signed out everywhere else." };
});
