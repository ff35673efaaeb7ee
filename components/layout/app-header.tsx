import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";
import type { User } from "@/db/schema";
import { MainNav, type NavItem } from "./main-nav";
import { NotificationBell } from "./notification-bell";

export function AppHeader({ user }: { user: User }) {
  const items: NavItem[] = [
    { href: "/chat", label: "Chat" },
    { href: "/assistants", label: "Assistants" },
    { href: "/dashboard", label: "Dashboard" },
    { href: "/settings", label: "Settings" },
  ];
  if (user.role === "admin") items.push({ href: "/admin", label: "Admin" });
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4">
        <Link href="/dashboard" className="font-semibold tracking-tight text-brand-700">
          Spendboard
        </Link>
        <MainNav items={items} />
        <div className="ml-auto flex items-center gap-3">
          <NotificationBell />
          <span className="hidden text-sm text-zinc-600 sm:inline" data-testid="current-user">
            {user.email}
            {user.role === "admin" ? (
              <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs font-medium text-brand-700" data-testid="admin-badge">
                admin
              </span>
            ) : null}
          </span>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" data-testid="sign-out">
              Sign out
            </Button>
          </form>
        </div>
      </div>
    </header>
  );
}
