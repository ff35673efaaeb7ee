import type { Metadata } from "next";
import { AuthShell } from "@/components/auth/auth-shell";
import { OAuthButtons } from "@/components/auth/oauth-buttons";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Alert } from "@/components/ui/alert";
import { safeReturnPath } from "@/lib/auth/return-path";
import { ERROR_CODES } from "@/lib/errors";
import { isAdmissionRefusal, refusalMessage } from "@/lib/registration/admission";

export const metadata: Metadata = { title: "Sign in" };

/** `error` (and Auth.js's `code` for a refused credentials sign-in posted straight to /api/auth/callback/credentials). */
function errorMessage(code: string | undefined, detail: string | undefined): string | undefined {
  if (!code) return undefined;
  if (isAdmissionRefusal(code)) return refusalMessage(code);
  if (code in ERROR_CODES) return ERROR_CODES[code as keyof typeof ERROR_CODES].message;
  if (code === "CredentialsSignin" && (detail === "rate_limited" || detail === "account_disabled")) {
    return ERROR_CODES[detail].message;
  }
  if (code === "CredentialsSignin") return "Wrong email or password.";
  return "Sign-in did not complete. Try again, or use another way to sign in.";
}

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const params = await searchParams;
  const raw = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  const callbackUrl = raw ? safeReturnPath(raw) : undefined;
  const error = errorMessage(
    typeof params.error === "string" ? params.error : undefined,
    typeof params.code === "string" ? params.code : undefined,
  );
  return (
    <AuthShell title="Sign in" subtitle="Chat with your own provider keys and see what every call costs.">
      {error ? <Alert data-testid="page-error">{error}</Alert> : null}
      <SignInForm callbackUrl={callbackUrl} />
      <OAuthButtons callbackUrl={callbackUrl} />
    </AuthShell>
  );
}
