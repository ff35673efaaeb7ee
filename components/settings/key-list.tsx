import { Badge } from "@/components/ui/badge";
import type { KeyView } from "@/lib/settings/provider-keys";
import { DeleteKeyButton } from "./delete-key-button";

function formatDate(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

const STATUS = {
  valid: { tone: "green", text: "verified" },
  unverified: { tone: "amber", text: "not verified" },
  rejected: { tone: "red", text: "rejected" },
} as const;

export function KeyList({ keys, timeZone }: { keys: KeyView[]; timeZone: string }) {
  if (keys.length === 0) {
    return (
      <p className="text-sm text-zinc-600" data-testid="no-keys">
        No keys yet. Add one below to start chatting — your keys are used only for your own requests.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-zinc-100" data-testid="key-list">
      {keys.map((key) => {
        const status = STATUS[key.status];
        const label = key.provider === "openai-compatible" ? key.name : key.providerLabel;
        return (
          <li key={key.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-3" data-testid={`key-${key.provider}`}>
            <div className="min-w-48">
              <p className="font-medium">{label}</p>
              {key.baseUrl ? <p className="text-xs text-zinc-500">{key.baseUrl}</p> : null}
            </div>
            <code className="rounded bg-zinc-100 px-1.5 py-0.5 text-sm" data-testid="key-mask">
              {key.last4 ? `…${key.last4}` : "no key"}
            </code>
            <Badge tone={status.tone} title={key.statusMessage ?? undefined} data-testid="key-status">
              {status.text}
            </Badge>
            <div className="text-xs text-zinc-500">
              <p>added {formatDate(key.createdAt, timeZone)}</p>
              <p>{key.lastVerifiedAt ? `verified ${formatDate(key.lastVerifiedAt, timeZone)}` : key.statusMessage ?? "never verified"}</p>
            </div>
            <div className="ml-auto">
              <DeleteKeyButton keyId={key.id} label={label} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
