import { sourceLabel } from "@/components/dashboard/palette";
import { Card, CardTitle } from "@/components/ui/card";
import type { User } from "@/db/schema";
import { formatNumber } from "@/lib/format";
import { formatUsdExact } from "@/lib/money";
import { usageStats } from "@/lib/track/stats";

/** The sources that are a user's apps rather than the chat window. */
const API_SOURCES = ["gateway", "track"] as const;

/**
 * The admin user page's "API spend": what the user's apps spent this month — through the gateway and reported to
 * /api/track — in the user's own time zone (the month their budgets follow), from the same sums as /api/usage/stats.
 */
export async function AdminApiSpend({ user }: { user: Pick<User, "id" | "timeZone"> }) {
  const stats = await usageStats(user, "month");
  const rows = API_SOURCES.map((source) => {
    const found = stats.by_source.find((s) => s.source === source);
    return { source, calls: found?.calls ?? 0, costNano: found?.cost_nano ?? 0 };
  });
  const total = rows.reduce((sum, r) => sum + r.costNano, 0);
  const calls = rows.reduce((sum, r) => sum + r.calls, 0);
  return (
    <Card data-testid="admin-api-spend">
      <CardTitle>API spend this month</CardTitle>
      <p className="mt-1 text-xs text-zinc-500">
        Since {stats.start_date}, in their time zone ({stats.time_zone}): calls their apps made with their API tokens.
      </p>
      <p className="mt-3 text-2xl font-semibold tabular-nums" data-testid="admin-api-spend-total">
        {formatUsdExact(total)}
      </p>
      <p className="text-sm text-zinc-600">{calls === 1 ? "1 call" : `${formatNumber(calls)} calls`}</p>
      <dl className="mt-3 grid grid-cols-[auto_1fr_auto] gap-x-4 gap-y-1 text-sm">
        {rows.map((r) => (
          <div key={r.source} className="contents" data-testid={`admin-api-spend-${r.source}`}>
            <dt className="text-zinc-600">{sourceLabel(r.source)}</dt>
            <dd className="text-right text-zinc-500 tabular-nums">{r.calls === 1 ? "1 call" : `${formatNumber(r.calls)} calls`}</dd>
            <dd className="text-right font-medium tabular-nums">{formatUsdExact(r.costNano)}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
