import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminApiSpend } from "@/components/admin/api-spend";
import { AdminApiTokens } from "@/components/admin/api-tokens";
import { AuditTable } from "@/components/admin/audit-table";
import { ApprovalButtons } from "@/components/admin/registration-pending";
import { TeamAssignment } from "@/components/admin/team-assignment";
import { UserControls, type CapFormValues } from "@/components/admin/user-controls";
import { UsageDashboard } from "@/components/dashboard/usage-dashboard";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { getBudgets } from "@/db/queries/settings";
import { getMembership, listTeams } from "@/db/queries/teams";
import { getUserById } from "@/db/queries/users";
import { getAuditPage } from "@/lib/audit/audit-log";
import { getCurrentUser, requireAdminPage } from "@/lib/auth/session";
import { nanoToUsdString } from "@/lib/money";
import { parseId } from "@/lib/validation/id";

/** The user's name or email, for an admin only (the page itself answers 403 to anyone else). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const id = parseId((await params).id);
  const viewer = id ? await getCurrentUser() : null;
  const user = id && viewer?.role === "admin" ? await getUserById({ id }) : undefined;
  return { title: `${user ? user.name || user.email : "User"} · Admin` };
}

/** One user, for an admin: who they are, the controls (cap, role, disable), their dashboard and recent changes. */
export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const admin = await requireAdminPage();
  const id = parseId((await params).id);
  if (!id) notFound();
  const user = await getUserById({ id });
  if (!user) notFound();
  const [{ admin: capRow }, changes, teams, membership] = await Promise.all([
    getBudgets({ userId: user.id }),
    getAuditPage({ limit: 10, targetUserId: user.id }),
    listTeams(),
    getMembership({ userId: user.id }),
  ]);
  const money = (nano: number | null) => (nano === null ? "" : nanoToUsdString(nano));
  const cap: CapFormValues | null = capRow
    ? {
        monthlyUsd: money(capRow.monthlyCostLimitNano),
        dailyUsd: money(capRow.dailyCostLimitNano),
        monthlyTokens: capRow.monthlyTokenLimit === null ? "" : String(capRow.monthlyTokenLimit),
        mode: capRow.mode,
      }
    : null;
  const timeZone = admin.timeZone ?? "UTC";
  return (
    <>
      <PageHeader title={user.email} description={`${user.name ? `${user.name} · ` : ""}joined ${user.createdAt.toISOString().slice(0, 10)} · their time zone: ${user.timeZone ?? "UTC"}`}>
        <div className="flex gap-4">
          <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline">
            ← Users
          </Link>
          <Link href="/admin/audit" className="text-sm font-medium text-brand-600 hover:underline">
            Audit log →
          </Link>
        </div>
      </PageHeader>
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="user-summary">
          <span data-testid="user-email" className="font-medium">
            {user.email}
          </span>
          <Badge tone={user.role === "admin" ? "blue" : "zinc"} data-testid="user-role">
            {user.role === "admin" ? "admin" : "member"}
          </Badge>
          {user.disabledAt ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}
          {user.status !== "active" ? (
            <Badge tone={user.status === "pending" ? "amber" : "red"} data-testid="user-approval-status">
              {user.status === "pending" ? "waiting for approval" : "rejected"}
            </Badge>
          ) : null}
          <ApprovalButtons user={user} />
        </div>
        <UserControls
          user={{ id: user.id, email: user.email, role: user.role, disabledAt: user.disabledAt?.toISOString() ?? null }}
          cap={cap}
          isSelf={user.id === admin.id}
          timeZone={timeZone}
        />
        <Card>
          <CardTitle>Team</CardTitle>
          <div className="mt-3">
            <TeamAssignment
              userId={user.id}
              teams={teams.map((t) => ({ id: t.id, name: t.name }))}
              current={membership ? { teamId: membership.teamId, isAdmin: membership.isAdmin } : null}
            />
          </div>
        </Card>
        <UsageDashboard apiBase={`/api/admin/users/${user.id}/usage`} />
        <div className="grid gap-4 lg:grid-cols-[1fr_3fr]">
          <AdminApiSpend user={user} />
          <AdminApiTokens userId={user.id} timeZone={timeZone} />
        </div>
        <Card>
          <CardTitle>Recent changes</CardTitle>
          <div className="mt-3">
            <AuditTable initial={{ items: changes.items, nextCursor: null }} timeZone={timeZone} />
          </div>
          {changes.nextCursor ? (
            <Link href="/admin/audit" className="mt-3 inline-block text-sm font-medium text-brand-600 hover:underline">
              All changes in the audit log →
            </Link>
          ) : null}
        </Card>
      </div>
    </>
  );
}
