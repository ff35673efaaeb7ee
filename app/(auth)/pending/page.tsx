import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(auth)/actions";
import { AuthShell } from "@/components/auth/auth-shell";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { getCurrentUser } from "@/lib/auth/session";
import { PENDING_MESSAGE, REJECTED_MESSAGE } from "@/lib/registration/account-status";

export const metadata: Metadata = { title: "Waiting for approval" };

/**
 * The one page a pending or rejected account sees (every other page redirects here, every API route answers 403).
 * Outside the app layout, which sends such accounts here.
 */
export default async function PendingPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/login?error=session_ended");
  if (user.status === "active") redirect("/dashboard");
  const rejected = user.status === "rejected";
  return (
    <AuthShell title={rejected ? "Account declined" : "Waiting for approval"} subtitle={`Signed in as ${user.email}`}>
      <Alert tone={rejected ? "error" : "info"} data-testid="pending-message">
        {rejected ? REJECTED_MESSAGE : PENDING_MESSAGE}
      </Alert>
      <div className="flex items-center justify-between gap-2">
        {rejected ? (
          <span />
        ) : (
          <Link href="/dashboard" className="text-sm font-medium text-brand-600 hover:underline" data-testid="pending-check-again">
            Check again
          </Link>
        )}
        <form action={signOutAction}>
          <Button type="submit" variant="secondary" data-testid="pending-sign-out">
            Sign out
          </Button>
        </form>
      </div>
    </AuthShell>
  );
}
