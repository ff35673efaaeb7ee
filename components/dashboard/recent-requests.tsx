"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { RecentEvent } from "@/lib/dashboard/contract";
import { formatDateTime, formatDateTimeShort, formatDuration, formatNumber, totalTokens } from "@/lib/format";
import { formatUsd } from "@/lib/money";
import { sourceLabel } from "./palette";
import { EmptyNote, Panel, PanelError, Skeleton } from "./panel";
import type { RangeSelection } from "./range";
import { NumTh, Td, Th } from "./table";
import { useRecent } from "./use-usage-data";

const STATUS: Record<RecentEvent["status"], { label: string; tone: "green" | "amber" | "red" }> = {
  ok: { label: "ok", tone: "green" },
  aborted: { label: "stopped", tone: "amber" },
  error: { label: "error", tone: "red" },
};

/** The latest model calls in the range, newest first, a page at a time ("Load more" follows the cursor). */
export function RecentRequests({
  apiBase,
  range,
  timeZone,
  enabled = true,
  conversationLinks = true,
}: {
  apiBase: string;
  range: RangeSelection;
  timeZone: string | undefined;
  enabled?: boolean;
  /** Links to /chat/<id> only make sense for the signed-in person's own conversations. */
  conversationLinks?: boolean;
}) {
  const query = useRecent(apiBase, range, enabled);
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Panel title="Recent requests" description="Every model call, newest first" busy={query.isPending || query.isPlaceholderData} data-testid="recent">
      {query.isPending ? (
        <div className="space-y-2">
          <Skeleton className="h-8 w-full" label="Loading recent requests…" />
          {Array.from({ length: 5 }, (_, i) => (
            <Skeleton key={i} className="h-7 w-full" />
          ))}
        </div>
      ) : query.isError && (!query.data || query.isPlaceholderData) ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : items.length === 0 ? (
        <EmptyNote>No requests in this range.</EmptyNote>
      ) : (
        <>
          <div className="-mx-5 overflow-x-auto" role="region" aria-label="Recent requests" tabIndex={0}>
            <table className="w-full min-w-[60rem] text-sm" data-testid="recent-table">
              <caption className="sr-only">Recent requests</caption>
              <thead className="border-b border-zinc-200 text-xs text-zinc-500">
                <tr>
                  <Th>Time</Th>
                  <Th>Model</Th>
                  <Th>Feature</Th>
                  <Th>Source</Th>
                  <Th title="The API token an app used (gateway or /api/track)">Token</Th>
                  <NumTh title="Input (including cached) / output tokens">Tokens in / out</NumTh>
                  <NumTh>Cost</NumTh>
                  <NumTh>Latency</NumTh>
                  <Th>Status</Th>
                  {conversationLinks ? (
                    <Th>
                      <span className="sr-only">Conversation</span>
                    </Th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {items.map((event) => (
                  <RecentRow key={event.id} event={event} timeZone={timeZone} conversationLinks={conversationLinks} />
                ))}
              </tbody>
            </table>
          </div>
          {query.isError ? (
            <div className="mt-3">
              <PanelError compact error={query.error} onRetry={() => void query.refetch()} />
            </div>
          ) : null}
          {query.hasNextPage ? (
            <div className="mt-3 flex justify-center">
              <Button
                variant="secondary"
                className="h-8 px-4 text-xs"
                onClick={() => void query.fetchNextPage()}
                disabled={query.isFetchingNextPage}
                data-testid="recent-load-more"
              >
                {query.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </Panel>
  );
}

function RecentRow({ event, timeZone, conversationLinks }: { event: RecentEvent; timeZone: string | undefined; conversationLinks: boolean }) {
  const input = totalTokens(event) - event.outputTokens;
  const tokenDetail = [
    `${formatNumber(event.inputTokens)} input`,
    `${formatNumber(event.cacheReadTokens)} cache read`,
    `${formatNumber(event.cacheWriteTokens)} cache write`,
    `${formatNumber(event.outputTokens)} output`,
    `${formatNumber(event.reasoningTokens)} reasoning`,
  ].join("\n");
  const status = STATUS[event.status];
  return (
    <tr className="hover:bg-zinc-50" data-testid="recent-row" data-id={event.id}>
      <Td className="text-zinc-600 tabular-nums">
        <time dateTime={event.createdAt} title={formatDateTime(event.createdAt, timeZone)}>
          {formatDateTimeShort(event.createdAt, timeZone)}
        </time>
      </Td>
      <Td className="max-w-60 truncate" title={`${event.provider} · ${event.model}`}>
        <span className="font-medium text-zinc-800">{event.model}</span> <span className="text-xs text-zinc-500">{event.provider}</span>
      </Td>
      <Td className="max-w-40 truncate text-zinc-600">{event.feature}</Td>
      <Td className="truncate text-zinc-600" data-testid="recent-source">
        {sourceLabel(event.source)}
      </Td>
      <Td className="max-w-36 truncate text-zinc-600" data-testid="recent-token" title={event.apiTokenName ?? undefined}>
        {event.apiTokenName ?? <span className="text-zinc-500">—</span>}
      </Td>
      <Td num title={tokenDetail}>
        {formatNumber(input)} <span className="text-zinc-500">/</span> {formatNumber(event.outputTokens)}
      </Td>
      <Td num className="font-medium text-zinc-900">
        {event.costNano === null || !event.priced ? (
          <Badge tone="amber" title="This model has no known price; its cost is not included in totals">
            unpriced
          </Badge>
        ) : (
          <>
            {formatUsd(event.costNano)}
            {event.estimated ? (
              <span className="ml-1 text-xs font-normal text-amber-700" title="Tokens were estimated: the provider did not report them (a stopped or failed answer)">
                est.
              </span>
            ) : null}
          </>
        )}
      </Td>
      <Td num title={event.ttftMs !== null ? `First token after ${formatDuration(event.ttftMs)}` : undefined}>
        {formatDuration(event.latencyMs)}
      </Td>
      <Td>
        <Badge tone={status.tone}>{status.label}</Badge>
      </Td>
      {conversationLinks ? (
        <Td className="text-right">
          {event.conversationId ? (
            <Link href={`/chat/${event.conversationId}`} className="text-xs font-medium text-brand-600 hover:underline" data-testid="recent-conversation-link">
              Open<span className="sr-only"> conversation</span> →
            </Link>
          ) : null}
        </Td>
      ) : null}
    </tr>
  );
}
