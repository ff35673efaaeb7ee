"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import type { AdminUserRow } from "@/lib/dashboard/contract";
import { formatDateTime, formatNumber, formatPercent, formatRelativeTime } from "@/lib/format";
import { formatUsd } from "@/lib/money";
import { EmptyNote, Panel, PanelError, Skeleton } from "./panel";
import { rangeKey, type RangeSelection } from "./range";
import { NumTh, Td, Th } from "./table";
import type { AdminUserSort, SortDir } from "./usage-api";
import { useAdminUsers } from "./use-usage-data";

const SEARCH_DELAY_MS = 300;

/** Columns that sort on the server, and which way they sort first (biggest first, names A→Z). */
const FIRST_DIR: Record<AdminUserSort, SortDir> = { email: "asc", spend: "desc", budget: "desc", pct: "desc", requests: "desc", last_active: "desc" };

/**
 * Everyone on this Spendboard with what they spent in the range: sorted, searched and paginated by the server
 * (GET /api/admin/users), so it stays fast with many users.
 */
export function AdminUsersTable({ range, enabled = true }: { range: RangeSelection; enabled?: boolean }) {
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const [sort, setSort] = useState<{ by: AdminUserSort; dir: SortDir }>({ by: "spend", dir: "desc" });
  // The page belongs to one range, search and sort; changing any of them starts again at page 1.
  const filterKey = `${rangeKey(range)}|${q}|${sort.by}|${sort.dir}`;
  const [paging, setPaging] = useState({ filterKey, page: 1 });
  const page = paging.filterKey === filterKey ? paging.page : 1;

  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const query = useAdminUsers(range, { q, sort: sort.by, dir: sort.dir, page }, enabled);
  const { data } = query;
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const now = new Date(query.dataUpdatedAt);
  const timeZone = data?.range.timeZone;

  function sortBy(column: AdminUserSort) {
    setSort((current) => (current.by === column ? { by: column, dir: current.dir === "asc" ? "desc" : "asc" } : { by: column, dir: FIRST_DIR[column] }));
  }

  function header(column: AdminUserSort, label: string, numeric: boolean) {
    const active = sort.by === column;
    const Cell = numeric ? NumTh : Th;
    return (
      <Cell aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}>
        <button
          type="button"
          onClick={() => sortBy(column)}
          className={cn(
            "inline-flex items-center gap-1 rounded font-medium hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-brand-500",
            active && "text-zinc-900",
          )}
          data-testid={`sort-${column}`}
        >
          {label}
          <span aria-hidden className={cn("text-[10px]", !active && "invisible")}>
            {sort.dir === "asc" ? "▲" : "▼"}
          </span>
        </button>
      </Cell>
    );
  }

  const first = data ? (data.page - 1) * data.pageSize + 1 : 0;
  const last = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <Panel
      title="Users"
      description="Spend in the selected range, over each person's own days (their time zone, as on their dashboard); budget and % used for the current budget period"
      busy={query.isPending || query.isPlaceholderData}
      data-testid="admin-users"
      actions={
        <div className="flex items-center gap-3">
          {data ? (
            <span className="text-xs text-zinc-500 tabular-nums" data-testid="user-count">
              {formatNumber(data.total)} {data.total === 1 ? "user" : "users"}
            </span>
          ) : null}
          <label className="relative">
            <span className="sr-only">Search users</span>
            <input
              type="search"
              value={text}
              onChange={(event) => setText(event.target.value)}
              placeholder="Search email or name"
              className="h-8 w-56 rounded-md border border-zinc-300 bg-white px-2.5 text-sm shadow-xs placeholder:text-zinc-400 focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
              data-testid="user-search"
            />
          </label>
        </div>
      }
    >
      {query.isPending ? (
        <div className="space-y-2">
          <Skeleton className="h-8 w-full" label="Loading users…" />
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-8 w-full" />
          ))}
        </div>
      ) : query.isError && (!data || query.isPlaceholderData) ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : !data ? null : (
        <>
          <div className="-mx-5 overflow-x-auto" role="region" aria-label="Users" tabIndex={0}>
            <table className="w-full min-w-[52rem] text-sm" data-testid="users-table" data-q={q}>
              <caption className="sr-only">Users, sorted by {sort.by.replace("_", " ")}</caption>
              <thead className="border-b border-zinc-200 text-xs text-zinc-500">
                <tr>
                  {header("email", "User", false)}
                  {header("spend", "Spend", true)}
                  {header("budget", "Budget", true)}
                  {header("pct", "% used", false)}
                  {header("requests", "Requests", true)}
                  <Th>Top model</Th>
                  {header("last_active", "Last active", false)}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {data.items.map((user) => (
                  <UserRow key={user.id} user={user} now={now} timeZone={timeZone} />
                ))}
              </tbody>
            </table>
          </div>
          {data.items.length === 0 ? (
            <div className="mt-3">
              <EmptyNote>{q ? `No users match “${q}”.` : "No users yet."}</EmptyNote>
            </div>
          ) : null}
          {query.isError ? (
            <div className="mt-3">
              <PanelError compact error={query.error} onRetry={() => void query.refetch()} />
            </div>
          ) : null}
          <nav aria-label="Users pages" className="mt-3 flex items-center justify-between gap-3 text-xs text-zinc-500">
            <span className="tabular-nums" aria-live="polite">
              {data.total > 0 ? `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(data.total)}` : null}
            </span>
            {pageCount > 1 ? (
              <span className="flex items-center gap-2">
                <Button
                  variant="secondary"
                  className="h-8 px-3 text-xs"
                  disabled={page <= 1}
                  onClick={() => setPaging({ filterKey, page: page - 1 })}
                  data-testid="users-prev"
                >
                  ← Previous
                </Button>
                <span className="tabular-nums">
                  Page {formatNumber(page)} of {formatNumber(pageCount)}
                </span>
                <Button
                  variant="secondary"
                  className="h-8 px-3 text-xs"
                  disabled={page >= pageCount}
                  onClick={() => setPaging({ filterKey, page: page + 1 })}
                  data-testid="users-next"
                >
                  Next →
                </Button>
              </span>
            ) : null}
          </nav>
        </>
      )}
    </Panel>
  );
}

function UserRow({ user, now, timeZone }: { user: AdminUserRow; now: Date; timeZone: string | undefined }) {
  // pctUsed is a percentage (82.5 = 82.5 % of the budget used).
  const ratio = user.pctUsed === null ? null : user.pctUsed / 100;
  const tone = ratio === null ? "" : ratio >= 1 ? "bg-red-500" : ratio >= 0.8 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <tr className={cn("hover:bg-zinc-50", user.disabled && "text-zinc-500")} data-testid="user-row" data-email={user.email}>
      <Td className="max-w-72">
        <div className="flex min-w-0 items-center gap-2">
          <Link href={`/admin/users/${user.id}`} className="truncate font-medium text-brand-600 hover:underline" data-testid="user-link">
            {user.email}
          </Link>
          {user.role === "admin" ? <Badge tone="blue">admin</Badge> : null}
          {user.disabled ? <Badge tone="red">disabled</Badge> : null}
        </div>
        {user.name ? <p className="truncate text-xs text-zinc-500">{user.name}</p> : null}
      </Td>
      <Td num className="font-medium text-zinc-900">
        {formatUsd(user.spendNano)}
      </Td>
      <Td num>{user.budgetNano === null ? <span className="text-zinc-500">—</span> : formatUsd(user.budgetNano)}</Td>
      <Td>
        {ratio === null ? (
          <span className="text-zinc-500">—</span>
        ) : (
          <div className="flex items-center gap-2">
            <div
              role="progressbar"
              aria-label={`${formatPercent(ratio)} of budget used`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.min(100, Math.round(ratio * 100))}
              className="h-1.5 w-16 overflow-hidden rounded-full bg-zinc-100"
            >
              <div className={cn("h-full rounded-full", tone)} style={{ width: `${Math.min(100, ratio * 100)}%` }} />
            </div>
            <span className="w-10 text-right text-xs text-zinc-600 tabular-nums">{formatPercent(ratio)}</span>
          </div>
        )}
      </Td>
      <Td num>{formatNumber(user.requests)}</Td>
      <Td className="max-w-48 truncate font-mono text-xs text-zinc-600" title={user.topModel ?? undefined}>
        {user.topModel ?? <span className="font-sans text-zinc-500">—</span>}
      </Td>
      <Td className="text-zinc-600">
        {user.lastActiveAt ? (
          <time dateTime={user.lastActiveAt} title={formatDateTime(user.lastActiveAt, timeZone)}>
            {formatRelativeTime(user.lastActiveAt, now, timeZone)}
          </time>
        ) : (
          <span className="text-zinc-500">never</span>
        )}
      </Td>
    </tr>
  );
}
