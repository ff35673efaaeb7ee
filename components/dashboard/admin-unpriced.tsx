"use client";

import Link from "next/link";
import type { UnpricedField, UnpricedModel } from "@/lib/dashboard/contract";
import { formatNumber } from "@/lib/format";
import { seriesLabel } from "./palette";
import { EmptyNote, Panel, PanelError, Skeleton } from "./panel";
import type { RangeSelection } from "./range";
import { NumTh, Td, Th } from "./table";
import { useUnpriced } from "./use-usage-data";

/**
 * Models used in the range that have no price (their cost is missing from every total until an override is added),
 * and bill lines seen without a price: usage fields a provider reported that nobody prices, rates the price list lacks.
 */
export function AdminUnpriced({ range, enabled = true }: { range: RangeSelection; enabled?: boolean }) {
  const query = useUnpriced(range, enabled);
  const models = query.data?.models ?? [];
  const fields = query.data?.fields ?? [];
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
      ) : models.length === 0 && fields.length === 0 ? (
        <EmptyNote>Every model used in this range has a price.</EmptyNote>
      ) : (
        <>
          {fields.length > 0 ? <UnpricedFields fields={fields} /> : null}
          {models.length > 0 ? <UnpricedModels models={models} /> : null}
        </>
      )}
    </Panel>
  );
}

/** Models without a price, each with a link to add one. */
function UnpricedModels({ models }: { models: UnpricedModel[] }) {
  return (
    <div className="-mx-5 overflow-x-auto" role="region" aria-label="Unpriced models" tabIndex={0}>
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
  );
}

/** Usage fields and rates without a price: `rate:…` lines were billed as text (or, for a tool, not at all). */
function UnpricedFields({ fields }: { fields: UnpricedField[] }) {
  return (
    <div className="-mx-5 mb-4 overflow-x-auto" role="region" aria-label="Unpriced usage fields" tabIndex={0}>
      <table className="w-full min-w-[36rem] text-sm" data-testid="unpriced-fields-table">
        <caption className="px-5 pb-2 text-left text-xs text-zinc-500">Bill lines without a price (kept in each event&apos;s raw usage)</caption>
        <thead className="border-b border-zinc-200 text-xs text-zinc-500">
          <tr>
            <Th>Provider</Th>
            <Th>Model</Th>
            <Th>Usage field or rate</Th>
            <NumTh>Requests</NumTh>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {fields.map((f) => (
            <tr key={`${f.provider}:${f.model}:${f.field}`} className="hover:bg-zinc-50" data-testid="unpriced-field-row">
              <Td className="text-zinc-600">{seriesLabel(f.provider)}</Td>
              <Td className="font-mono text-xs text-zinc-800">{f.model}</Td>
              <Td className="font-mono text-xs text-zinc-800">{f.field}</Td>
              <Td num>{formatNumber(f.requests)}</Td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
