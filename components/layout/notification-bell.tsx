"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { NotificationItem, NotificationsResponse } from "@/app/api/notifications/route";
import { fetchJson } from "@/lib/chat/client-fetch";
import { Tooltip } from "@/components/ui/tooltip";
import { cn } from "@/lib/cn";

const POLL_MS = 30_000;

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const absolute = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

function timeAgo(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return "just now";
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), "day");
  return absolute.format(new Date(iso));
}

function BellIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-5">
      <path d="M10 2a6 6 0 0 0-6 6v2.59l-1.7 1.7A1 1 0 0 0 3 14h14a1 1 0 0 0 .7-1.7L16 10.58V8a6 6 0 0 0-6-6Zm0 16a3 3 0 0 1-2.83-2h5.66A3 3 0 0 1 10 18Z" />
    </svg>
  );
}

/**
 * The header's bell: the unread count, and a dropdown of the latest notifications (budget alerts). Refreshes every
 * 30 s while the tab is visible, when the window regains focus, and when it is opened.
 */
export function NotificationBell() {
  const [data, setData] = useState<NotificationsResponse | null>(null);
  const [now, setNow] = useState(0);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  // Only the newest answer counts: a slow poll must not undo a "mark read" that finished after it started.
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const next = await fetchJson<NotificationsResponse>("/api/notifications");
      if (mine !== generation.current) return;
      setData(next);
      setNow(Date.now());
    } catch {
      // Keep what is shown; the next poll tries again (a lost session is handled by the next navigation).
    }
  }, []);

  useEffect(() => {
    // Timers and focus are the outside world this subscribes to; the first load is just the first tick.
    const first = window.setTimeout(() => void load(), 0);
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, POLL_MS);
    const onFocus = () => void load();
    window.addEventListener("focus", onFocus);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(timer);
      window.removeEventListener("focus", onFocus);
    };
  }, [load]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      // This Esc closes the panel only: marked handled, so it does not also stop a streaming answer.
      event.preventDefault();
      setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const markRead = async (id?: string) => {
    generation.current++; // an answer already on its way predates this change
    setData((current) =>
      current && {
        unread: id ? Math.max(0, current.unread - (current.items.some((n) => n.id === id && !n.read) ? 1 : 0)) : 0,
        items: current.items.map((n) => (id === undefined || n.id === id ? { ...n, read: true } : n)),
      },
    );
    try {
      await fetchJson<{ ok: true }>("/api/notifications/read", { method: "POST", body: JSON.stringify(id ? { id } : {}) });
    } catch {
      // The next refresh shows the truth.
    }
    await load();
  };

  const unread = data?.unread ?? 0;
  const items = data?.items ?? [];

  return (
    <div className="relative" ref={root}>
      <Tooltip content="Notifications">
        <button
          type="button"
          onClick={() => {
            if (!open) void load();
            setOpen(!open);
          }}
          aria-expanded={open}
          aria-haspopup="true"
          aria-label={unread > 0 ? `Notifications (${unread} unread)` : "Notifications"}
          data-testid="notification-bell"
          className="relative inline-flex size-9 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
        >
          <BellIcon />
          {unread > 0 ? (
            <span
              data-testid="notification-count"
              className="absolute -top-0.5 -right-0.5 min-w-4.5 rounded-full bg-red-600 px-1 text-center text-[11px] leading-4.5 font-semibold text-white tabular-nums"
            >
              {unread > 99 ? "99+" : unread}
            </span>
          ) : null}
        </button>
      </Tooltip>
      {open ? (
        <div
          data-testid="notifications"
          className="absolute right-0 z-20 mt-2 w-80 max-w-[calc(100vw-2rem)] rounded-xl border border-zinc-200 bg-white shadow-lg max-sm:fixed max-sm:inset-x-4 max-sm:top-14 max-sm:w-auto max-sm:max-w-none"
        >
          <div className="flex items-center justify-between border-b border-zinc-100 px-4 py-2.5">
            <p className="text-sm font-semibold text-zinc-900">Notifications</p>
            <button
              type="button"
              onClick={() => void markRead()}
              disabled={unread === 0}
              data-testid="mark-all-read"
              className="text-xs font-medium text-brand-600 hover:underline disabled:cursor-default disabled:text-zinc-400 disabled:no-underline"
            >
              Mark all read
            </button>
          </div>
          {items.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-zinc-500" data-testid="no-notifications">
              {data ? "No notifications yet. Budget alerts will show up here." : "Loading…"}
            </p>
          ) : (
            <ul className="max-h-96 divide-y divide-zinc-100 overflow-y-auto">
              {items.map((item) => (
                <li key={item.id} data-testid="notification-item" data-read={item.read}>
                  <NotificationEntry
                    item={item}
                    now={now}
                    onOpen={() => {
                      setOpen(false);
                      if (!item.read) void markRead(item.id);
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}

function NotificationEntry({ item, now, onOpen }: { item: NotificationItem; now: number; onOpen: () => void }) {
  const content = (
    <div className="flex items-start gap-2">
      <span aria-hidden="true" className={cn("mt-1.5 size-2 shrink-0 rounded-full", item.read ? "bg-transparent" : "bg-brand-600")} />
      <div className="min-w-0">
        <p className={cn("text-sm text-zinc-900", item.read ? "font-normal" : "font-semibold")}>
          {item.title}
          {item.read ? null : <span className="sr-only"> (unread)</span>}
        </p>
        <p className="mt-0.5 text-sm text-zinc-600">{item.body}</p>
        <time dateTime={item.createdAt} title={absolute.format(new Date(item.createdAt))} className="mt-1 block text-xs text-zinc-500">
          {timeAgo(item.createdAt, now || Date.parse(item.createdAt))}
        </time>
      </div>
    </div>
  );
  const className = "block px-4 py-3 text-left hover:bg-zinc-50";
  // Only links inside the app (notifications are written by the server, but a link is a link).
  const href = item.href && item.href.startsWith("/") && !item.href.startsWith("//") ? item.href : null;
  return href ? (
    <Link href={href} onClick={onOpen} className={className}>
      {content}
    </Link>
  ) : (
    <button type="button" onClick={onOpen} className={cn(className, "w-full")}>
      {content}
    </button>
  );
}
