"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useRef, useState, type ReactNode } from "react";
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { cn } from "@/lib/cn";
import type { NavItem } from "./main-nav";
import { SearchIcon } from "./palette-button";
import { openCommandPalette } from "./palette-opener";

function MenuIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-5">
      <path d="M2.5 5a1 1 0 0 1 1-1h13a1 1 0 1 1 0 2h-13a1 1 0 0 1-1-1Zm0 5a1 1 0 0 1 1-1h13a1 1 0 1 1 0 2h-13a1 1 0 0 1-1-1Zm1 4a1 1 0 1 0 0 2h13a1 1 0 1 0 0-2h-13Z" />
    </svg>
  );
}

/**
 * Below the `lg` breakpoint the header's links, the account and Sign out move into a sheet behind a menu button.
 * `account` and `signOut` are rendered by the (server) header and passed in.
 */
export function MobileNav({ items, account, signOut }: { items: NavItem[]; account: ReactNode; signOut: ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // "Search and commands" closes the menu first; the palette opens once the menu has given focus back to its button,
  // so closing the palette returns there.
  const paletteNext = useRef(false);
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger
        aria-label="Open menu"
        data-testid="menu-button"
        className="inline-flex size-9 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500 lg:hidden"
      >
        <MenuIcon />
      </SheetTrigger>
      <SheetContent
        side="right"
        data-testid="mobile-menu"
        onCloseAutoFocus={() => {
          if (!paletteNext.current) return;
          paletteNext.current = false;
          openCommandPalette();
        }}
      >
        <SheetTitle>Menu</SheetTitle>
        <SheetDescription className="min-w-0 break-words">{account}</SheetDescription>
        <button
          type="button"
          onClick={() => {
            paletteNext.current = true;
            setOpen(false);
          }}
          data-testid="menu-palette"
          className="flex items-center gap-2 rounded-md border border-zinc-200 px-3 py-2.5 text-left text-base font-medium text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-brand-500"
        >
          <SearchIcon className="size-5 text-zinc-500" />
          Search and commands
        </button>
        <nav aria-label="Main" className="flex flex-col gap-1">
          {items.map((item) => {
            const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
            return (
              <Link
                key={item.href}
                href={item.href}
                onClick={() => setOpen(false)}
                aria-current={active ? "page" : undefined}
                data-testid={`menu-nav-${item.label.toLowerCase()}`}
                className={cn(
                  "rounded-md px-3 py-2.5 text-base font-medium",
                  active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900",
                )}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="mt-auto border-t border-zinc-200 pt-4">{signOut}</div>
      </SheetContent>
    </Sheet>
  );
}
