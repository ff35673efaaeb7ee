import type { Metadata } from "next";
import { AuthShell } from "@/components/auth/auth-shell";
import { OAuthButtons } from "@/components/auth/oauth-buttons";
import { RegisterForm } from "@/components/auth/register-form";
import { safeReturnPath } from "@/lib/auth/return-path";

export const metadata: Metadata = { title: "Create an account · Spendboard" };

export default async function RegisterPage({ searchParams }: PageProps<"/register">) {
  const params = await searchParams;
  const raw = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  return (
    <AuthShell
      title="Create your account"
      subtitle="The first account on a new Spendboard becomes its admin."
    >
      <RegisterForm callbackUrl={raw ? safeReturnPath(raw) : undefined} />
      <OAuthButtons callbackUrl={raw ? safeReturnPath(raw) : undefined} />
    </AuthShell>
  );
}
