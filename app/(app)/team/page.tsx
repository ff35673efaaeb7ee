import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { TableScroller } from "@/components/ui/table-scroller";
import { readScopeLedger } from "@/db/queries/ledger";
import { getMembership, getTeam, listMemberSpend } from "@/db/queries/teams";
import { requireUserPage } from "@/lib/auth/session";
import { scopePeriodAt, teamScope } from "@/lib/budgets/limits";
import { formatUsd } from "@/lib/money";

export const metadata: Metadata = { title: "Team" };

/**
 * A team admin's dashboard: the team's spend this month against its budget and each member's spend. Only the team's
 * own admins see it (anyone else gets a 404: no other team's data is ever read here).
 */
export default async function TeamPage() {
  const user = await requireUserPage();
  const membership = await getMembership({ userId: user.id });
  if (!membership?.isAdmin) notFound();
  const period = scopePeriodAt();
  const scope = teamScope(membership.teamId);
  const [team, members, shared] = await Promise.all([
    getTeam({ id: membership.teamId }),
    listMemberSpend({ teamId: membership.teamId, since: period.start }),
    readScopeLedger({ scopes: [scope], period }),
  ]);
  if (!team) notFound();
  const total = members.reduce((sum, m) => sum + m.costNano, 0);
  const requests = members.reduce((sum, m) => sum + m.requests, 0);
  const held = shared.get(scope)?.reservedNano ?? 0;
  const limit = team.monthlyCostLimitNano;
  const percent = limit ? Math.min(100, (total / limit) * 100) : null;
  const timeZone = user.timeZone ?? "UTC";
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" });
  return (
    <>
      <PageHeader title={`Team ${team.name}`} description="Your team's spend this calendar month (UTC). You see this page as a team admin." />
      <div className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-3">
          <Card data-testid="team-total">
            <p className="text-sm text-zinc-600">Spent this month</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{formatUsd(total)}</p>
            {held > 0 ? <p className="text-xs text-zinc-500">{formatUsd(held)} held by running requests</p> : null}
          </Card>
          <Card>
            <p className="text-sm text-zinc-600">Requests</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{requests.toLocaleString("en-US")}</p>
          </Card>
          <Card data-testid="team-budget">
            <p className="text-sm text-zinc-600">Team monthly budget</p>
            {limit ? (
              <>
                <p className="mt-1 text-2xl font-semibold tabular-nums">
                  {formatUsd(total)} of {formatUsd(limit)}
                </p>
                <div className="mt-2 h-2 rounded-full bg-zinc-100" role="progressbar" aria-valuenow={Math.round(percent!)} aria-valuemin={0} aria-valuemax={100} aria-label="Team monthly budget used">
                  <div className={`h-2 rounded-full ${percent! >= 100 ? "bg-red-500" : percent! >= 80 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${percent}%` }} />
                </div>
                <p className="mt-1 text-xs text-zinc-500">{team.mode === "enforce" ? "Requests are refused once it is reached." : "Alerts only."}</p>
              </>
            ) : (
              <p className="mt-1 text-sm">No team budget. An admin can set one.</p>
            )}
          </Card>
        </div>
        <Card>
          <CardTitle>Members</CardTitle>
          <TableScroller label="Team members" className="mt-3">
            <table className="w-full text-left text-sm" data-testid="team-members">
              <thead className="text-xs uppercase text-zinc-500">
                <tr>
                  <th className="py-2 pr-4">Member</th>
                  <th className="py-2 pr-4 whitespace-nowrap">Spent</th>
                  <th className="py-2 pr-4">Requests</th>
                  <th className="py-2 whitespace-nowrap">Last active</th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.userId} className="border-t border-zinc-100" data-testid={`team-member-${m.email}`}>
                    <td className="py-2 pr-4 whitespace-nowrap">
                      {m.email}
                      {m.isAdmin ? <span className="ml-2 text-xs text-zinc-500">team admin</span> : null}
                    </td>
                    <td className="py-2 pr-4 tabular-nums">{formatUsd(m.costNano)}</td>
                    <td className="py-2 pr-4 tabular-nums">{m.requests.toLocaleString("en-US")}</td>
                    <td className="py-2 whitespace-nowrap">{m.lastActiveAt ? fmt.format(m.lastActiveAt) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroller>
        </Card>
      </div>
    </>
  );
}
