import type { Metadata } from "next";
import { ComingNext } from "@/components/layout/coming-next";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { requireUserPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Settings · Spendboard" };

export default async function SettingsPage() {
  const user = await requireUserPage();
  return (
    <>
      <PageHeader title="Settings" description="Your account, your provider keys, your models and your budget." />
      <div className="grid gap-4 md:grid-cols-2">
        <Card data-testid="account-card">
          <CardTitle>Account</CardTitle>
          <dl className="mt-3 grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            <dt className="text-zinc-500">Email</dt>
            <dd>{user.email}</dd>
            <dt className="text-zinc-500">Name</dt>
            <dd>{user.name ?? "—"}</dd>
            <dt className="text-zinc-500">Role</dt>
            <dd data-testid="account-role">{user.role}</dd>
            <dt className="text-zinc-500">Member since</dt>
            <dd>{user.createdAt.toISOString().slice(0, 10)}</dd>
          </dl>
        </Card>
        <ComingNext
          title="API keys (next)"
          items={[
            "Add, replace and delete a key per provider; each is checked against the provider when saved",
            "Keys are encrypted at rest and only ever shown as their last 4 characters",
          ]}
        />
        <ComingNext
          title="Models (next)"
          items={["Every model your keys unlock, with its price per million tokens", "Your default model for new chats"]}
        />
        <ComingNext
          title="Budget (next)"
          items={[
            "Monthly and daily cost limits and a monthly token limit, enforced or warn-only",
            "Alerts at 50%, 80% and 100%, in your time zone",
          ]}
        />
      </div>
    </>
  );
}
