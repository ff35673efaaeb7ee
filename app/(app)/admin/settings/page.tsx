import type { Metadata } from "next";
import Link from "next/link";
import { CreateInvitationForm, InvitationList } from "@/components/admin/invitations";
import { listTeams } from "@/db/queries/teams";
import { DefaultBudgetForm, OrgCapForm } from "@/components/admin/org-budget-forms";
import { PendingAccounts } from "@/components/admin/registration-pending";
import { RegistrationPolicyForm } from "@/components/admin/registration-policy-form";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { readScopeLedger } from "@/db/queries/ledger";
import { listUsersAwaitingReview } from "@/db/queries/registration";
import { requireAdminPage } from "@/lib/auth/session";
import { DEFAULT_INVITATION_DAYS, listInvitationViews } from "@/lib/registration/invitations";
import { ORG_SCOPE, scopePeriodAt } from "@/lib/budgets/limits";
import { getOrgSettings } from "@/lib/budgets/org-policy";
import { formatUsdExact, nanoToUsdString } from "@/lib/money";
import { getRegistrationPolicy } from "@/lib/registration/policy";

export const metadata: Metadata = { title: "Settings · Admin" };

const usd = (nano: number | null) => (nano === null ? "" : nanoToUsdString(nano));
const count = (n: number | null) => (n === null ? "" : String(n));

/** Organisation settings: who may join (policy, invitations, accounts waiting for approval), default budgets, the cap. */
export default async function AdminSettingsPage() {
  const admin = await requireAdminPage();
  const period = scopePeriodAt();
  const [policy, invitations, awaiting, org, shared, teams] = await Promise.all([
    getRegistrationPolicy(),
    listInvitationViews(),
    listUsersAwaitingReview(),
    getOrgSettings(),
    readScopeLedger({ scopes: [ORG_SCOPE], period }),
    listTeams(),
  ]);
  const orgSpend = shared.get(ORG_SCOPE) ?? { spentNano: 0, reservedNano: 0 };
  const timeZone = admin.timeZone ?? "UTC";
  return (
    <>
      <PageHeader title="Admin settings" description="Who may join this Spendboard, and what everyone may spend.">
        <div className="flex gap-4">
          <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline">
            ← Admin
          </Link>
          <Link href="/admin/teams" className="text-sm font-medium text-brand-600 hover:underline">
            Teams →
          </Link>
        </div>
      </PageHeader>
      <div className="space-y-4">
        <Card id="who-may-join">
          <CardTitle>Who may join</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">The first account is always admin. Changes apply to the next registration.</p>
          <div className="mt-4">
            <RegistrationPolicyForm policy={{ mode: policy.mode, allowedDomains: policy.allowedDomains, approvalRequired: policy.approvalRequired }} />
          </div>
        </Card>
        <Card id="pending-accounts">
          <CardTitle>Accounts waiting for approval</CardTitle>
          <div className="mt-3">
            <PendingAccounts
              users={awaiting.map((u) => ({ id: u.id, email: u.email, name: u.name, createdAt: u.createdAt.toISOString(), status: u.status }))}
              timeZone={timeZone}
            />
          </div>
        </Card>
        <Card id="default-budget">
          <CardTitle>Default budget for every user</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            Every user is under it beside their own budget and any cap you set for them; the tightest one applies. Months and days
            follow each user&apos;s time zone.
          </p>
          <div className="mt-4">
            <DefaultBudgetForm
              initial={{
                monthlyUsd: usd(org.defaultMonthlyCostLimitNano),
                dailyUsd: usd(org.defaultDailyCostLimitNano),
                monthlyTokens: count(org.defaultMonthlyTokenLimit),
                dailyTokens: count(org.defaultDailyTokenLimit),
                mode: org.defaultMode,
                alertThresholds: org.defaultAlertThresholds.join(", "),
              }}
            />
          </div>
        </Card>
        <Card id="organisation-cap">
          <CardTitle>Organisation monthly cap</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            Everyone&apos;s spend together — chat, API gateway and tracked usage — per calendar month in UTC. Admins are notified at
            each threshold.
          </p>
          <p className="mt-2 text-sm tabular-nums" data-testid="org-spend">
            This month: {formatUsdExact(orgSpend.spentNano)} spent
            {orgSpend.reservedNano > 0 ? `, ${formatUsdExact(orgSpend.reservedNano)} held by running requests` : ""}
            {org.orgMonthlyCostLimitNano !== null ? ` of ${formatUsdExact(org.orgMonthlyCostLimitNano)}` : " (no cap)"}.
          </p>
          <div className="mt-4">
            <OrgCapForm
              initial={{ monthlyUsd: usd(org.orgMonthlyCostLimitNano), mode: org.orgMode, alertThresholds: org.orgAlertThresholds.join(", ") }}
            />
          </div>
        </Card>
        <Card id="invitations">
          <CardTitle>Invitations</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            A single-use link to create an account, in any mode, without waiting for approval. Optionally for one email address.
          </p>
          <div className="mt-4 space-y-6">
            <CreateInvitationForm defaultDays={DEFAULT_INVITATION_DAYS} teams={teams.map((team) => ({ id: team.id, name: team.name }))} />
            <InvitationList invitations={invitations} timeZone={timeZone} />
          </div>
        </Card>
      </div>
    </>
  );
}
