"use client";

import Link from "next/link";
import { formatNumber } from "@/lib/format";
import { seriesLabel } from "./palette";
import { EmptyNote, Panel, PanelError, Skeleton } from "./panel";
import type { RangeSelection } from "./range";
import { NumTh, Td, Th } from "./table";
import { useUnpriced } from "./use-usage-data";

/** Models used in the range that have no price: their cost is missing from every total until an override is added. */
export function AdminUnpriced({ range, enabled = true }: { range: RangeSelection; enabled?: boolean }) {
  const query = useUnpriced(range, enabled);
  const models = query.data?.models ?? [];
  return (
    <Panel
      id="unpriced"
      title="Unpriced usage"
      description="Models without a known price; add an override so their cost counts"
      busy={query.isPending || query.isPlaceholderData}
      data-testid="unpriced"
    >
      {query.isPending ? (
        <Skeleton className="h-24 w-full" label="Loading unpriced models…" />
      ) : query.isError && (!query.data || query.isPlaceholderData) ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : models.length === 0 ? (
        <EmptyNote>Every model used in this range has a price.</EmptyNote>
      ) : (
        <div className="-mx-5 overflow-x-auto">
          <table className="w-full min-w-[36rem] text-sm" data-testid="unpriced-table">
            <caption className="sr-only">Models without a price</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500">
              <tr>
                <Th>Provider</Th>
                <Th>Model</Th>
                <NumTh>Requests</NumTh>
                <NumTh>Input tokens</NumTh>
                <NumTh>Output tokens</NumTh>
                <Th>
                  <span className="sr-only">Action</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {models.map((m) => (
                <tr key={`${m.provider}:${m.model}`} className="hover:bg-zinc-50" data-testid="unpriced-row">
                  <Td className="text-zinc-600">{seriesLabel(m.provider)}</Td>
                  <Td className="font-mono text-xs text-zinc-800">{m.model}</Td>
                  <Td num>{formatNumber(m.requests)}</Td>
                  <Td num>{formatNumber(m.inputTokens)}</Td>
                  <Td num>{formatNumber(m.outputTokens)}</Td>
                  <Td className="text-right">
                    <Link
                      href={`/admin/models?${new URLSearchParams({ provider: m.provider, model: m.model })}`}
                      className="text-xs font-medium text-brand-600 hover:underline"
                      data-testid="unpriced-add-price"
                    >
                      Add a price →
                    </Link>
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
