import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { AddKeyForm } from "@/components/settings/add-key-form";
import { CreateApiTokenForm } from "@/components/settings/api-tokens-form";
import { ApiTokensList } from "@/components/settings/api-tokens-list";
import { BudgetForm } from "@/components/settings/budget-form";
import { BudgetUsage } from "@/components/settings/budget-usage";
import { DefaultModelForm } from "@/components/settings/default-model-form";
import { KeyList } from "@/components/settings/key-list";
import { PasswordForm } from "@/components/settings/password-form";
import { WebhookForm } from "@/components/settings/webhook-form";
import { Card, CardTitle } from "@/components/ui/card";
import { deleteWebhookAction, saveWebhookAction, testWebhookAction } from "@/app/(app)/settings/webhook-actions";
import { revokeApiTokenAction } from "@/app/(app)/settings/api-token-actions";
import { getUserSettings } from "@/db/queries/settings";
import type { User } from "@/db/schema";
import { requireUserPage } from "@/lib/auth/session";
import { cn } from "@/lib/cn";
import { nanoToUsdString } from "@/lib/money";
import { listModelGroups } from "@/lib/providers/model-catalog";
import { parseModelRef } from "@/lib/providers/model-ref";
import { getWebhookView } from "@/lib/alerts/webhooks";
import { listApiTokenViews } from "@/lib/api-tokens/tokens";
import { localDay } from "@/lib/budgets/periods";
import { getBudgetOverview } from "@/lib/settings/budget";
import { listKeyViews } from "@/lib/settings/provider-keys";

export const metadata: Metadata = { title: "Settings" };

const TABS = [
  { id: "keys", label: "API keys" },
  { id: "models", label: "Models" },
  { id: "budget", label: "Budget" },
  { id: "tokens", label: "API tokens" },
  { id: "account", label: "Account" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export default async function SettingsPage({ searchParams }: PageProps<"/settings">) {
  const user = await requireUserPage();
  const params = await searchParams;
  const requested = params.tab;
  const tab: Tab = TABS.some((t) => t.id === requested) ? (requested as Tab) : "keys";
  return (
    <>
      <PageHeader title="Settings" description="Your provider keys, the models they unlock, your budget and your account." />
      <nav className="mb-6 flex gap-1 overflow-x-auto shadow-[inset_0_-1px_0_var(--color-zinc-200)]" aria-label="Settings sections">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`/settings?tab=${t.id}`}
            aria-current={t.id === tab ? "page" : undefined}
            data-testid={`tab-${t.id}`}
            className={cn(
              "shrink-0 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
              t.id === tab ? "border-brand-600 text-brand-700" : "border-transparent text-zinc-600 hover:text-zinc-900",
            )}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === "keys" ? <KeysTab user={user} /> : null}
      {tab === "models" ? <ModelsTab user={user} /> : null}
      {tab === "budget" ? <BudgetTab user={user} /> : null}
      {tab === "tokens" ? <TokensTab user={user} /> : null}
      {tab === "account" ? <AccountTab user={user} passwordChanged={params.password === "changed"} /> : null}
    </>
  );
}

async function KeysTab({ user }: { user: User }) {
  const keys = await listKeyViews(user.id);
  return (
    <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
      <Card>
        <CardTitle>Your keys</CardTitle>
        <div className="mt-3">
          <KeyList keys={keys} timeZone={user.timeZone ?? "UTC"} />
        </div>
      </Card>
      <Card>
        <CardTitle>Add or replace a key</CardTitle>
        <p className="mt-1 mb-4 text-sm text-zinc-600">Saving a key for a provider you already have replaces the old one.</p>
        <AddKeyForm />
      </Card>
    </div>
  );
}

async function ModelsTab({ user }: { user: User }) {
  const [groups, settings] = await Promise.all([listModelGroups(user.id), getUserSettings({ userId: user.id })]);
  const current = settings.defaultModel ? parseModelRef(settings.defaultModel) : null;
  return (
    <Card>
      <CardTitle>Models</CardTitle>
      {groups.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-600" data-testid="no-models">
          No models yet: <Link href="/settings?tab=keys" className="font-medium text-brand-600 hover:underline">add a provider key</Link> first.
        </p>
      ) : (
        <div className="mt-3 space-y-4">
          <p className="text-sm text-zinc-600" data-testid="current-default-model">
            Default: {current ? <strong>{current.modelId}</strong> : "none yet"}
          </p>
          <DefaultModelForm groups={groups} current={settings.defaultModel} />
        </div>
      )}
    </Card>
  );
}

async function BudgetTab({ user }: { user: User }) {
  const [overview, webhook] = await Promise.all([getBudgetOverview(user.id, user.timeZone), getWebhookView(user.id)]);
  const money = (nano: number | null) => (nano === null ? "" : nanoToUsdString(nano));
  return (
    <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
      <Card>
        <CardTitle>Budget</CardTitle>
        <p className="mt-1 mb-4 text-sm text-zinc-600">
          Limits apply to the cost of every model call made for you, including chat titles. Months and days follow your time zone.
        </p>
        <BudgetForm
          initial={{
            monthlyUsd: money(overview.values.monthlyCostLimitNano),
            dailyUsd: money(overview.values.dailyCostLimitNano),
            monthlyTokens: overview.values.monthlyTokenLimit === null ? "" : String(overview.values.monthlyTokenLimit),
            mode: overview.mode,
            alertThresholds: overview.alertThresholds.join(", "),
            timeZone: user.timeZone,
          }}
        />
      </Card>
      <Card>
        <CardTitle>This period</CardTitle>
        <div className="mt-3">
          <BudgetUsage limits={overview.limits} timeZone={overview.timeZone} />
        </div>
      </Card>
      <Card>
        <CardTitle>Webhook for budget alerts</CardTitle>
        <p className="mt-1 mb-4 text-sm text-zinc-600">
          Each budget alert is also posted here as JSON with a Slack-compatible <code>text</code> field.
        </p>
        <WebhookForm
          webhook={webhook}
          timeZone={overview.timeZone}
          saveAction={saveWebhookAction}
          testAction={testWebhookAction}
          deleteAction={deleteWebhookAction}
        />
      </Card>
    </div>
  );
}

async function TokensTab({ user }: { user: User }) {
  const now = new Date();
  const timeZone = user.timeZone ?? "UTC";
  const tokens = await listApiTokenViews(user.id, now);
  return (
    <div className="space-y-4">
      <Card>
        <CardTitle>Create an API token</CardTitle>
        <p className="mt-1 mb-4 text-sm text-zinc-600">
          A token lets a script, service or coding tool act as you: your keys, your budgets. Treat it like a password.{" "}
          <Link href="/connect" className="font-medium text-brand-600 hover:underline" data-testid="connect-link">
            Connect an app →
          </Link>
        </p>
        <CreateApiTokenForm today={localDay(now, timeZone)} />
      </Card>
      <Card>
        <CardTitle>Your API tokens</CardTitle>
        <div className="mt-3">
          <ApiTokensList tokens={tokens} timeZone={timeZone} now={now} revokeAction={revokeApiTokenAction} />
        </div>
      </Card>
    </div>
  );
}

function AccountTab({ user, passwordChanged }: { user: User; passwordChanged: boolean }) {
  return (
    <Card data-testid="account-card" className="max-w-xl">
      <CardTitle>Account</CardTitle>
      <dl className="mt-3 grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
        <dt className="text-zinc-500">Email</dt>
        <dd>{user.email}</dd>
        <dt className="text-zinc-500">Name</dt>
        <dd>{user.name ?? "—"}</dd>
        <dt className="text-zinc-500">Role</dt>
        <dd data-testid="account-role">{user.role}</dd>
        <dt className="text-zinc-500">Time zone</dt>
        <dd>{user.timeZone ?? "not set (UTC)"}</dd>
        <dt className="text-zinc-500">Member since</dt>
        <dd>{user.createdAt.toISOString().slice(0, 10)}</dd>
      </dl>
      {user.passwordHash ? (
        <div className="mt-6 border-t border-zinc-200 pt-4">
          <CardTitle>Change password</CardTitle>
          <div className="mt-3">
            <PasswordForm changed={passwordChanged} />
          </div>
        </div>
      ) : null}
    </Card>
  );
}
