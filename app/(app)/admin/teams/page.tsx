import type { Metadata } from "next";
import Link from "next/link";
import { CreateTeamForm, DeleteTeamButton, TeamBudgetForm } from "@/components/admin/teams";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { TableScroller } from "@/components/ui/table-scroller";
import { listTeams, spendByTeam } from "@/db/queries/teams";
import { requireAdminPage } from "@/lib/auth/session";
import { scopePeriodAt } from "@/lib/budgets/limits";
import { formatUsd, nanoToUsdString } from "@/lib/money";

export const metadata: Metadata = { title: "Teams · Admin · Spendboard" };

/** Teams: create them, set each one's monthly budget, and see this month's spend grouped by team. */
export default async function AdminTeamsPage() {
  await requireAdminPage();
  const period = scopePeriodAt();
  const [teams, spend] = await Promise.all([listTeams(), spendByTeam({ since: period.start })]);
  const spendOf = new Map(spend.map((s) => [s.teamId, s]));
  const unassigned = spendOf.get(null);
  return (
    <>
      <PageHeader title="Teams" description="Each user is in one team at most. Team admins see their team's dashboard at /team.">
        <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline">
          ← Admin
        </Link>
      </PageHeader>
      <div className="space-y-4">
        <Card>
          <CreateTeamForm />
        </Card>
        <Card>
          <CardTitle>Spend by team this month (UTC)</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            A team budget limits its members&apos; spend together; each member is also under their own limits and the organisation&apos;s.
            Put users in a team and name team admins on each user&apos;s page.
          </p>
          <TableScroller label="Teams" className="mt-4">
            <table className="w-full text-left text-sm" data-testid="teams-table">
              <thead className="text-xs uppercase text-zinc-500">
                <tr>
                  <th className="py-2 pr-4 whitespace-nowrap">Team</th>
                  <th className="py-2 pr-4 whitespace-nowrap">Members</th>
                  <th className="py-2 pr-4 whitespace-nowrap">Spent</th>
                  <th className="py-2 pr-4 whitespace-nowrap">Requests</th>
                  <th className="py-2 pr-4 whitespace-nowrap">Monthly budget (USD)</th>
                  <th className="py-2" />
                </tr>
              </thead>
              <tbody>
                {teams.map((team) => {
                  const s = spendOf.get(team.id);
                  return (
                    <tr key={team.id} className="border-t border-zinc-100 align-top" data-testid={`team-row-${team.name}`}>
                      <td className="py-2 pr-4 font-medium whitespace-nowrap">{team.name}</td>
                      <td className="py-2 pr-4 whitespace-nowrap tabular-nums">
                        {team.members} ({team.admins} admin{team.admins === 1 ? "" : "s"})
                      </td>
                      <td className="py-2 pr-4 whitespace-nowrap tabular-nums" data-testid="team-spend">
                        {formatUsd(s?.costNano ?? 0)}
                        {team.monthlyCostLimitNano ? ` of ${formatUsd(team.monthlyCostLimitNano)}` : ""}
                      </td>
                      <td className="py-2 pr-4 tabular-nums">{(s?.requests ?? 0).toLocaleString("en-US")}</td>
                      <td className="py-2 pr-4">
                        <TeamBudgetForm
                          teamId={team.id}
                          teamName={team.name}
                          monthlyUsd={team.monthlyCostLimitNano === null ? "" : nanoToUsdString(team.monthlyCostLimitNano)}
                          mode={team.mode}
                        />
                      </td>
                      <td className="py-2">
                        <DeleteTeamButton teamId={team.id} teamName={team.name} />
                      </td>
                    </tr>
                  );
                })}
                <tr className="border-t border-zinc-100 text-zinc-600">
                  <td className="py-2 pr-4 whitespace-nowrap">No team</td>
                  <td className="py-2 pr-4" />
                  <td className="py-2 pr-4 tabular-nums">{formatUsd(unassigned?.costNano ?? 0)}</td>
                  <td className="py-2 pr-4 tabular-nums">{(unassigned?.requests ?? 0).toLocaleString("en-US")}</td>
                  <td className="py-2 pr-4" />
                  <td />
                </tr>
              </tbody>
            </table>
          </TableScroller>
        </Card>
      </div>
    </>
  );
}
