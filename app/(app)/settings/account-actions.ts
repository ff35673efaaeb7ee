"use server";

import { signIn } from "@/app/(auth)/auth";
import { changePassword } from "@/lib/auth/accounts";
import { changePasswordSchema } from "@/lib/auth/schemas";
import { userAction } from "@/lib/http/action";

/** Where a password change lands: the account tab, which then says what happened. */
const AFTER_PASSWORD_CHANGE = "/settings?tab=account&password=changed";

/**
 * Settings → Account: a new password ends every session of the user, on every device — this browser's too (one rule,
 * no exception to get wrong). This browser is then signed in again with the new password (a fresh session row and
 * cookie) and redirected, so the next page is rendered with the new cookie rather than the ended one.
 */
export const changePasswordAction = userAction(changePasswordSchema, async (data, user) => {
  const { newPassword } = await changePassword(user, data);
  await signIn("credentials", { email: user.email, password: newPassword, redirectTo: AFTER_PASSWORD_CHANGE });
});
