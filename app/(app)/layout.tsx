import type { ReactNode } from "react";
import { AppHeader } from "@/components/layout/app-header";
import { QueryProvider } from "@/components/providers/query-provider";
import { requireUserPage } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: ReactNode }) {
  // proxy.ts already sent visitors without a session to /login; this also catches disabled or deleted users.
  const user = await requireUserPage();
  return (
    <QueryProvider>
      <div className="min-h-screen">
        <AppHeader user={user} />
        <main className="mx-auto max-w-6xl px-4 py-4 sm:py-8">{children}</main>
      </div>
    </QueryProvider>
  );
}
