import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth/auth-shell";
import { OAuthButtons } from "@/components/auth/oauth-buttons";
import { RegisterForm } from "@/components/auth/register-form";
import { Alert } from "@/components/ui/alert";
import { safeReturnPath } from "@/lib/auth/return-path";
import { registerPageState } from "@/lib/registration/register-page";

export const metadata: Metadata = { title: "Create an account" };

export default async function RegisterPage({ searchParams }: PageProps<"/register">) {
  const params = await searchParams;
  const raw = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  const callbackUrl = raw ? safeReturnPath(raw) : undefined;
  const state = await registerPageState(typeof params.invite === "string" ? params.invite : undefined);
  return (
    <AuthShell title="Create your account" subtitle="The first account on a new Spendboard becomes its admin.">
      {state.notice ? (
        <Alert tone={state.tone ?? "info"} data-testid="register-notice">
          {state.notice}
        </Alert>
      ) : null}
      {state.showForm ? (
        <>
          <RegisterForm callbackUrl={callbackUrl} invite={state.invite} email={state.invitedEmail} />
          {/* GitHub/Google sign-up carries the invitation in a short-lived cookie (lib/registration/invite-cookie.ts). */}
          <OAuthButtons callbackUrl={callbackUrl} invite={state.invite} />
        </>
      ) : (
        <p className="text-center text-sm text-zinc-600">
          Already have an account?{" "}
          <Link href="/login" className="font-medium text-brand-600 hover:underline">
            Sign in
          </Link>
        </p>
      )}
    </AuthShell>
  );
}
