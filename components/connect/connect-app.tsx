"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import type { ApiTokenScope } from "@/db/schema";
import { SCOPE_INFO } from "@/lib/api-tokens/scopes";
import { TOKEN_PLACEHOLDER, connectSnippets, type SnippetGroup } from "@/lib/connect/snippets";
import { CreateTokenInline, type CreatedToken } from "./create-token-inline";
import { SnippetCard } from "./snippet-card";

/** A token the picker lists (never its secret: that exists only where it was just created or pasted). */
export interface ConnectToken {
  id: string;
  name: string;
  /** `sb_…abcd`: the last four characters of the token. */
  prefix: string;
  scopes: ApiTokenScope[];
}

const NEW_TOKEN = "new";

const GROUPS: { id: SnippetGroup; title: string; description: string }[] = [
  {
    id: "gateway",
    title: "Call models through Spendboard",
    description: "OpenAI- and Anthropic-compatible: point your client at these base URLs. Calls use your provider keys and count toward your budgets.",
  },
  { id: "claude-code", title: "Claude Code", description: "Run Claude Code through the gateway with two environment variables." },
  {
    id: "track",
    title: "Report calls your app makes itself",
    description: "For apps and tools that call a provider directly: post each call's tokens to /api/track.",
  },
];

/**
 * The "Connect an app" page's body: pick a token (or create one here, or paste the one you hold), optionally a feature
 * tag, and copy a snippet filled with this deployment's URL and that token. A pasted token stays in this tab.
 */
export function ConnectApp({ baseUrl, tokens }: { baseUrl: string; tokens: ConnectToken[] }) {
  const [created, setCreated] = useState<ConnectToken | null>(null);
  const [tokenId, setTokenId] = useState(tokens[0]?.id ?? "");
  const [secret, setSecret] = useState("");
  const [feature, setFeature] = useState("");
  const all = created ? [created, ...tokens] : tokens;
  const chosen = all.find((t) => t.id === tokenId) ?? null;
  const snippets = useMemo(() => connectSnippets({ baseUrl, token: secret, feature }), [baseUrl, secret, feature]);
  const trimmed = secret.trim();
  const mismatch = chosen !== null && trimmed !== "" && !trimmed.endsWith(chosen.prefix.slice(-4));

  function onCreated({ token, name, scopes }: CreatedToken) {
    setCreated({ id: NEW_TOKEN, name, prefix: `sb_…${token.slice(-4)}`, scopes });
    setTokenId(NEW_TOKEN);
    setSecret(token);
  }

  return (
    <div className="space-y-4" data-testid="connect-app">
      <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
        <Card>
          <CardTitle>Token</CardTitle>
          <p className="mt-1 mb-4 text-sm text-zinc-600">
            A token is shown only once, when it is created. Pick the one this app will use and paste it to fill the snippets, or create one here.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="space-y-1.5">
              <Label htmlFor="connect-token">Token for this app</Label>
              <Select
                id="connect-token"
                value={tokenId}
                onChange={(e) => {
                  setTokenId(e.target.value);
                  if (e.target.value !== NEW_TOKEN) setSecret("");
                }}
                data-testid="connect-token-picker"
              >
                <option value="">{all.length === 0 ? "No tokens yet: create one" : "None (placeholder)"}</option>
                {all.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} — {t.prefix} ({t.scopes.map((s) => SCOPE_INFO[s].label).join(", ")})
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor="connect-secret">Paste the token (optional)</Label>
              <Input
                id="connect-secret"
                type="password"
                autoComplete="off"
                spellCheck={false}
                placeholder={chosen ? chosen.prefix : TOKEN_PLACEHOLDER}
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                aria-invalid={mismatch || undefined}
                aria-describedby="connect-secret-hint"
                data-testid="connect-secret"
              />
              <p id="connect-secret-hint" className={mismatch ? "text-xs text-red-600" : "text-xs text-zinc-500"}>
                {mismatch
                  ? `This does not end like ${chosen!.prefix}: check you pasted the token you picked.`
                  : "It stays in this tab and is never sent anywhere; without it the snippets show sb_..."}
              </p>
            </div>
            <div className="space-y-1.5 sm:col-span-2">
              <Label htmlFor="connect-feature">Feature tag (optional)</Label>
              <Input
                id="connect-feature"
                placeholder="nightly-report"
                maxLength={64}
                value={feature}
                onChange={(e) => setFeature(e.target.value)}
                data-testid="connect-feature"
              />
              <p className="text-xs text-zinc-500">
                Sent as <code>x-spendboard-feature</code> so the dashboard breaks this app&apos;s spend out by feature; without it, the token&apos;s default feature, else <code>api</code>.
              </p>
            </div>
          </div>
          {chosen && !chosen.scopes.includes("gateway") ? (
            <p className="mt-3 text-sm text-amber-700" data-testid="connect-scope-note">
              “{chosen.name}” has no Gateway scope: the gateway and Claude Code snippets will be refused (403) with it.
            </p>
          ) : null}
          <p className="mt-4 text-xs text-zinc-500">
            This deployment: <code data-testid="connect-base-url">{baseUrl}</code> · Manage tokens in{" "}
            <Link href="/settings?tab=tokens" className="font-medium text-brand-600 hover:underline">
              Settings → API tokens
            </Link>
          </p>
        </Card>
        <Card>
          <CardTitle>Create a token for this app</CardTitle>
          <p className="mt-1 mb-4 text-sm text-zinc-600">It acts as you: your keys, your budgets. Expiry, default feature and a budget of its own are in Settings.</p>
          <CreateTokenInline onCreated={onCreated} />
        </Card>
      </div>
      {GROUPS.map((group) => (
        <Card key={group.id} data-testid={`connect-group-${group.id}`}>
          <CardTitle>{group.title}</CardTitle>
          <p className="mt-1 mb-4 text-sm text-zinc-600">{group.description}</p>
          <div className="space-y-6">
            {snippets
              .filter((s) => s.group === group.id)
              .map((snippet) => (
                <SnippetCard key={snippet.id} snippet={snippet} />
              ))}
          </div>
        </Card>
      ))}
    </div>
  );
}
