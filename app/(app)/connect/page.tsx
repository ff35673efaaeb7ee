import type { Metadata } from "next";
import { headers } from "next/headers";
import { ConnectApp } from "@/components/connect/connect-app";
import { PageHeader } from "@/components/layout/page-header";
import { listApiTokenViews } from "@/lib/api-tokens/tokens";
import { requireUserPage } from "@/lib/auth/session";
import { deploymentBaseUrl } from "@/lib/connect/base-url";

export const metadata: Metadata = { title: "Connect an app" };

/** Copy-paste snippets that point scripts, SDKs and Claude Code at this deployment with one of the user's tokens. */
export default async function ConnectPage() {
  const user = await requireUserPage();
  const [requestHeaders, tokens] = await Promise.all([headers(), listApiTokenViews(user.id)]);
  const baseUrl = deploymentBaseUrl(process.env.AUTH_URL, requestHeaders);
  return (
    <>
      <PageHeader
        title="Connect an app"
        description="Meter every app, not only this chat: send your scripts, services and coding tools through Spendboard, or report the calls they make themselves."
      />
      <ConnectApp
        baseUrl={baseUrl}
        tokens={tokens.filter((t) => t.status === "active").map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes }))}
      />
    </>
  );
}
