import type { Metadata } from "next";
import Link from "next/link";
import { CreateInvitationForm, InvitationList } from "@/components/admin/invitations";
import { PendingAccounts } from "@/components/admin/registration-pending";
import { RegistrationPolicyForm } from "@/components/admin/registration-policy-form";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { listUsersAwaitingReview } from "@/db/queries/registration";
import { requireAdminPage } from "@/lib/auth/session";
import { DEFAULT_INVITATION_DAYS, listInvitationViews } from "@/lib/registration/invitations";
import { getRegistrationPolicy } from "@/lib/registration/policy";

export const metadata: Metadata = { title: "Settings · Admin · Spendboard" };

/** Organisation settings: who may join (policy, invitations, accounts waiting for approval). */
export default async function AdminSettingsPage() {
  const admin = await requireAdminPage();
  const [policy, invitations, awaiting] = await Promise.all([getRegistrationPolicy(), listInvitationViews(), listUsersAwaitingReview()]);
  const timeZone = admin.timeZone ?? "UTC";
  return (
    <>
      <PageHeader title="Admin settings" description="Who may join this Spendboard.">
        <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline">
          ← Admin
        </Link>
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
        <Card id="invitations">
          <CardTitle>Invitations</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            A single-use link to create an account, in any mode, without waiting for approval. Optionally for one email address.
          </p>
          <div className="mt-4 space-y-6">
            <CreateInvitationForm defaultDays={DEFAULT_INVITATION_DAYS} />
            <InvitationList invitations={invitations} timeZone={timeZone} />
          </div>
        </Card>
      </div>
    </>
  );
}
