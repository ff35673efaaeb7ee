import type { ReactNode } from "react";
import { AppHeader } from "@/components/layout/app-header";
import { CommandPalette } from "@/components/layout/command-palette";
import { QueryProvider } from "@/components/providers/query-provider";
import { getMembership } from "@/db/queries/teams";
import { requireUserPage } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: ReactNode }) {
  // proxy.ts already sent visitors without a session to /login; this also catches disabled or deleted users.
  const user = await requireUserPage();
  const membership = await getMembership({ userId: user.id });
  return (
    <QueryProvider>
      <div className="min-h-screen">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-brand-700 shadow-lg focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        <AppHeader user={user} />
        <CommandPalette isAdmin={user.role === "admin"} isTeamAdmin={membership?.isAdmin ?? false} />
        <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-4 outline-none sm:py-8">
          {children}
        </main>
      </div>
    </QueryProvider>
  );
}
