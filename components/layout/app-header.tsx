import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/button";
import type { User } from "@/db/schema";
import { MainNav, type NavItem } from "./main-nav";
import { MobileNav } from "./mobile-nav";
import { NotificationBell } from "./notification-bell";
import { PaletteButton } from "./palette-button";
import { ThemeToggle } from "./theme-toggle";

function AdminBadge({ testId }: { testId?: string }) {
  return (
    <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs font-medium text-brand-700" data-testid={testId}>
      admin
    </span>
  );
}

/**
 * From `lg` up: links, account and Sign out in the bar. Below it: bell, theme and a menu button opening a sheet. The
 * command palette's button shows from `sm` up; on phones it is an entry in the menu.
 */
export function AppHeader({ user }: { user: User }) {
  const items: NavItem[] = [
    { href: "/chat", label: "Chat" },
    { href: "/assistants", label: "Assistants" },
    { href: "/dashboard", label: "Dashboard" },
    { href: "/connect", label: "Connect" },
    { href: "/settings", label: "Settings" },
  ];
  if (user.role === "admin") items.push({ href: "/admin", label: "Admin" });
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4">
        <Link href="/dashboard" className="font-semibold tracking-tight text-brand-700">
          Spendboard
        </Link>
        <MainNav items={items} className="hidden lg:flex" />
        <div className="ml-auto flex items-center gap-1 lg:gap-3">
          <PaletteButton className="hidden sm:inline-flex" />
          <NotificationBell />
          <ThemeToggle />
          <span className="hidden text-sm text-zinc-600 lg:inline" data-testid="current-user">
            {user.email}
            {user.role === "admin" ? <AdminBadge testId="admin-badge" /> : null}
          </span>
          <form action={signOutAction} className="hidden lg:block">
            <Button type="submit" variant="ghost" data-testid="sign-out">
              Sign out
            </Button>
          </form>
          <MobileNav
            items={items}
            account={
              <>
                Signed in as <span className="font-medium text-zinc-900">{user.email}</span>
                {user.role === "admin" ? <AdminBadge /> : null}
              </>
            }
            signOut={
              <form action={signOutAction}>
                <Button type="submit" variant="secondary" className="w-full" data-testid="menu-sign-out">
                  Sign out
                </Button>
              </form>
            }
          />
        </div>
      </div>
    </header>
  );
}
