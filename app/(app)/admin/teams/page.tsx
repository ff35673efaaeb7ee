import type { Metadata } from "next";
import Link from "next/link";
import { CreateTeamForm, DeleteTeamButton, SystemKeyTeamToggle, TeamBudgetForm } from "@/components/admin/teams";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { TableScroller } from "@/components/ui/table-scroller";
import { getSystemKeyPolicy, listSystemKeyTeams } from "@/db/queries/prices";
import { listTeams, spendByTeam } from "@/db/queries/teams";
import { requireAdminPage } from "@/lib/auth/session";
import { scopePeriodAt } from "@/lib/budgets/limits";
import { formatUsd, nanoToUsdString } from "@/lib/money";
import { BUILT_IN_PROVIDERS, PROVIDERS, systemKey } from "@/lib/providers/registry";

export const metadata: Metadata = { title: "Teams · Admin" };

/** Teams: create them, set each one's monthly budget, and see this month's spend grouped by team. */
export default async function AdminTeamsPage() {
  await requireAdminPage();
  const period = scopePeriodAt();
  const [teams, spend, everyone, grants] = await Promise.all([listTeams(), spendByTeam({ since: period.start }), getSystemKeyPolicy(), listSystemKeyTeams()]);
  const configured = BUILT_IN_PROVIDERS.filter((p) => Boolean(systemKey(p)));
  const granted = new Set(grants.map((g) => `${g.provider}:${g.teamId}`));
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
        <Card id="deployment-keys">
          <CardTitle>Deployment keys by team</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            Members of an allowed team who have no key of their own use the deployment&apos;s key (metered against them, their team and the
            organisation). Opening a key to everyone is in Admin → Models.
          </p>
          {configured.length === 0 ? (
            <p className="mt-3 text-sm text-zinc-600">No deployment key is configured (OPENAI_API_KEY, ANTHROPIC_API_KEY…).</p>
          ) : teams.length === 0 ? (
            <p className="mt-3 text-sm text-zinc-600">Create a team first.</p>
          ) : (
            <TableScroller label="Deployment keys by team" className="mt-4">
              <table className="w-full text-left text-sm" data-testid="system-key-teams">
                <thead className="text-xs uppercase text-zinc-500">
                  <tr>
                    <th className="py-2 pr-4">Team</th>
                    {configured.map((p) => (
                      <th key={p} className="py-2 pr-4 whitespace-nowrap">
                        {PROVIDERS[p].label}
                        {everyone[p] ? <span className="block font-normal normal-case">open to everyone</span> : null}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {teams.map((team) => (
                    <tr key={team.id} className="border-t border-zinc-100">
                      <td className="py-2 pr-4 font-medium whitespace-nowrap">{team.name}</td>
                      {configured.map((p) => (
                        <td key={p} className="py-2 pr-4">
                          <SystemKeyTeamToggle provider={p} providerLabel={PROVIDERS[p].label} teamId={team.id} teamName={team.name} allowed={granted.has(`${p}:${team.id}`)} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroller>
          )}
        </Card>
      </div>
    </>
  );
}
