import type { Metadata } from "next";
import Link from "next/link";
import { deleteOrgWebhookAction, saveOrgWebhookAction, testOrgWebhookAction } from "@/app/(app)/admin/actions";
import { AuditTable } from "@/components/admin/audit-table";
import { PageHeader } from "@/components/layout/page-header";
import { WebhookForm } from "@/components/settings/webhook-form";
import { Card, CardTitle } from "@/components/ui/card";
import { getWebhookView, ORG_WEBHOOK_SCOPE } from "@/lib/alerts/webhooks";
import { getAuditPage } from "@/lib/audit/audit-log";
import { requireAdminPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log · Admin" };

export default async function AdminAuditPage() {
  const admin = await requireAdminPage();
  const timeZone = admin.timeZone ?? "UTC";
  const [page, orgWebhook] = await Promise.all([getAuditPage({ limit: 50 }), getWebhookView(ORG_WEBHOOK_SCOPE)]);
  return (
    <>
      <PageHeader title="Audit log" description="Every change to roles, caps, accounts, prices, system keys and API keys: who, what and when. Keys themselves are never recorded.">
        <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline">
          ← Users
        </Link>
      </PageHeader>
      <div className="space-y-4">
        <Card>
          <CardTitle>Changes</CardTitle>
          <p className="mt-1 mb-3 text-xs text-zinc-500">Times in {timeZone}.</p>
          <AuditTable initial={page} timeZone={timeZone} apiUrl="/api/admin/audit" />
        </Card>
        <Card className="max-w-2xl">
          <CardTitle>Organisation webhook for budget alerts</CardTitle>
          <p className="mt-1 mb-4 text-sm text-zinc-600">
            Every user&apos;s budget alerts are also posted here (JSON with a Slack-compatible <code>text</code> field and the user&apos;s email), in addition to their own webhook.
          </p>
          <WebhookForm
            webhook={orgWebhook}
            timeZone={timeZone}
            saveAction={saveOrgWebhookAction}
            testAction={testOrgWebhookAction}
            deleteAction={deleteOrgWebhookAction}
          />
        </Card>
      </div>
    </>
  );
}
