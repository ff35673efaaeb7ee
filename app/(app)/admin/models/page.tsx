import type { Metadata } from "next";
import Link from "next/link";
import { deletePriceOverrideAction, setSystemKeyPolicyAction } from "@/app/(app)/admin/actions";
import { AdminActionButton } from "@/components/admin/admin-action-button";
import { PriceOverrideForm } from "@/components/admin/price-override-form";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { getSystemKeyPolicy, listPriceOverrides } from "@/db/queries/prices";
import { requireAdminPage } from "@/lib/auth/session";
import { formatPerMTok } from "@/lib/money";
import { toPriceOverrides } from "@/lib/pricing/overrides";
import { lookupPrice } from "@/lib/pricing/price-book";
import { DEFAULT_MODELS } from "@/lib/providers/model-catalog";
import { PROVIDER_KINDS } from "@/lib/providers/kinds";
import { BUILT_IN_PROVIDERS, PROVIDERS, systemKey } from "@/lib/providers/registry";

export const metadata: Metadata = { title: "Models and prices · Admin" };

const price = (nano: number | undefined) => (nano === undefined ? "—" : formatPerMTok(nano));

const PREFILL_PROVIDERS: readonly string[] = PROVIDER_KINDS;

export default async function AdminModelsPage({ searchParams }: PageProps<"/admin/models">) {
  await requireAdminPage();
  const query = await searchParams;
  const provider = typeof query.provider === "string" && PREFILL_PROVIDERS.includes(query.provider) ? query.provider : undefined;
  const modelId = typeof query.model === "string" && /^[\x21-\x7e]{1,200}$/.test(query.model) ? query.model : undefined;
  const [policy, overrideRows] = await Promise.all([getSystemKeyPolicy(), listPriceOverrides()]);
  const overrides = toPriceOverrides(overrideRows);
  return (
    <>
      <PageHeader title="Models and prices" description="Where every cost comes from: the bundled price data, and your overrides on top.">
        <Link href="/admin" className="text-sm font-medium text-brand-600 hover:underline">
          ← Users
        </Link>
      </PageHeader>
      <div className="space-y-4">
        <Card className="overflow-x-auto" role="region" aria-label="Price overrides" tabIndex={0}>
          <CardTitle>System keys</CardTitle>
          <p className="mt-1 text-sm text-zinc-600">
            Keys from the server environment. Users without their own key may use one only if you allow it; background work (chat titles) may always use it. Usage is still counted against the user.
          </p>
          <table className="mt-3 w-full text-left text-sm whitespace-nowrap [&_td]:pr-4 [&_td:last-child]:pr-0 [&_th]:pr-4 [&_th:last-child]:pr-0" data-testid="system-keys">
            <thead className="text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="py-2 font-medium">Provider</th>
                <th className="py-2 font-medium">Env var</th>
                <th className="py-2 font-medium">Configured</th>
                <th className="py-2 font-medium">Users may use it</th>
                <th />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {BUILT_IN_PROVIDERS.map((provider) => {
                const allowed = policy[provider] === true;
                return (
                  <tr key={provider} data-testid={`system-key-${provider}`}>
                    <td className="py-2">{PROVIDERS[provider].label}</td>
                    <td className="py-2 font-mono text-xs">{PROVIDERS[provider].systemKeyEnv}</td>
                    <td className="py-2">{systemKey(provider) ? <Badge tone="green">set</Badge> : <Badge>not set</Badge>}</td>
                    <td className="py-2">{allowed ? <Badge tone="blue">allowed</Badge> : <Badge>no</Badge>}</td>
                    <td className="py-2 text-right">
                      <AdminActionButton
                        action={setSystemKeyPolicyAction}
                        fields={{ provider, allowUsers: allowed ? "false" : "true" }}
                        variant="secondary"
                        className="h-8"
                        data-testid={`toggle-system-key-${provider}`}
                      >
                        {allowed ? "Stop sharing" : "Allow users"}
                      </AdminActionButton>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>

        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardTitle>Add or change a price override</CardTitle>
            <p className="mt-1 mb-4 text-sm text-zinc-600">
              An override wins over the bundled data — a local model at $0, a negotiated rate, a model the data does not know yet.
            </p>
            <PriceOverrideForm initial={{ provider, modelId }} />
          </Card>
          <Card className="overflow-x-auto" role="region" aria-label="Deployment keys" tabIndex={0}>
            <CardTitle>Overrides</CardTitle>
            {overrideRows.length === 0 ? (
              <p className="mt-3 text-sm text-zinc-600">None yet.</p>
            ) : (
              <table className="mt-3 w-full text-left text-sm whitespace-nowrap [&_td]:pr-4 [&_td:last-child]:pr-0 [&_th]:pr-4 [&_th:last-child]:pr-0" data-testid="overrides">
                <thead className="text-xs uppercase tracking-wide text-zinc-500">
                  <tr>
                    <th className="py-2 font-medium">Model</th>
                    <th className="py-2 font-medium">In</th>
                    <th className="py-2 font-medium">Out</th>
                    <th className="py-2 font-medium">Cache r/w</th>
                    <th />
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {overrideRows.map((row) => (
                    <tr key={`${row.provider}:${row.modelId}`}>
                      <td className="py-2">
                        <span className="font-mono text-xs">{row.modelId}</span>
                        <span className="block text-xs text-zinc-500">{PROVIDERS[row.provider].label}{row.note ? ` · ${row.note}` : ""}</span>
                      </td>
                      <td className="py-2 tabular-nums">{price(row.inputNanoPerMTok)}</td>
                      <td className="py-2 tabular-nums">{price(row.outputNanoPerMTok)}</td>
                      <td className="py-2 tabular-nums">
                        {price(row.cacheReadNanoPerMTok ?? undefined)} / {price(row.cacheWriteNanoPerMTok ?? undefined)}
                      </td>
                      <td className="py-2 text-right">
                        <AdminActionButton action={deletePriceOverrideAction} fields={{ provider: row.provider, modelId: row.modelId }} variant="ghost" className="h-8 px-2 text-red-600">
                          Remove
                        </AdminActionButton>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>

        <Card className="overflow-x-auto" role="region" aria-label="Price book" tabIndex={0}>
          <CardTitle>Price book (per million tokens)</CardTitle>
          <table className="mt-3 w-full text-left text-sm whitespace-nowrap [&_td]:pr-4 [&_td:last-child]:pr-0 [&_th]:pr-4 [&_th:last-child]:pr-0" data-testid="price-book">
            <thead className="text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="py-2 font-medium">Provider</th>
                <th className="py-2 font-medium">Model</th>
                <th className="py-2 font-medium">Input</th>
                <th className="py-2 font-medium">Output</th>
                <th className="py-2 font-medium">Cache read</th>
                <th className="py-2 font-medium">Cache write</th>
                <th className="py-2 font-medium">Context</th>
                <th className="py-2 font-medium">Source</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {BUILT_IN_PROVIDERS.flatMap((provider) =>
                DEFAULT_MODELS[provider].map((modelId) => {
                  const found = lookupPrice(provider, modelId, { overrides });
                  return (
                    <tr key={`${provider}:${modelId}`}>
                      <td className="py-2">{PROVIDERS[provider].label}</td>
                      <td className="py-2 font-mono text-xs">{modelId}</td>
                      <td className="py-2 tabular-nums">{price(found?.price.input)}</td>
                      <td className="py-2 tabular-nums">{price(found?.price.output)}</td>
                      <td className="py-2 tabular-nums">{price(found?.price.cacheRead)}</td>
                      <td className="py-2 tabular-nums">{price(found?.price.cacheWrite)}</td>
                      <td className="py-2 tabular-nums">{found?.contextWindow ? `${Math.round(found.contextWindow / 1000)}k` : "—"}</td>
                      <td className="py-2">{found ? <Badge tone={found.source === "override" ? "blue" : "zinc"}>{found.source}</Badge> : <Badge tone="red">unpriced</Badge>}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          </table>
        </Card>
      </div>
    </>
  );
}
