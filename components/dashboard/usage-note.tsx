import type { ReactNode } from "react";
import type { UsageTotals } from "@/lib/dashboard/contract";
import { formatNumber } from "@/lib/format";

const plural = (n: number, one: string, many: string) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** Says plainly when the totals are incomplete (unpriced models) or partly estimated (stopped or failed answers). */
export function UsageNote({ totals, unpricedAction }: { totals: UsageTotals; unpricedAction?: ReactNode }) {
  if (totals.unpricedRequests === 0 && totals.estimatedRequests === 0) return null;
  return (
    <div className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900" data-testid="usage-note" role="note">
      {totals.unpricedRequests > 0 ? (
        <p>
          <span className="font-medium">{plural(totals.unpricedRequests, "request", "requests")}</span> in this range used a model without a known
          price; {totals.unpricedRequests === 1 ? "its" : "their"} cost is not included in the totals. {unpricedAction}
        </p>
      ) : null}
      {totals.estimatedRequests > 0 ? (
        <p className={totals.unpricedRequests > 0 ? "mt-1" : undefined}>
          <span className="font-medium">{plural(totals.estimatedRequests, "request", "requests")}</span> {totals.estimatedRequests === 1 ? "has" : "have"}{" "}
          estimated token counts: the answer was stopped or failed before the provider reported usage.
        </p>
      ) : null}
    </div>
  );
}
