"use client";

import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export interface NewTokenPanelProps {
  token: string;
  name: string;
  /** Said after "shown only this once" (Connect: where else the token went). */
  note?: ReactNode;
  /** Before every test id: "" in Settings (`new-token`, `new-token-value`, `copy-token`), "connect-" on Connect. */
  testIdPrefix?: string;
}

/** A token just created: its only showing, with a copy button (the server keeps only its hash). */
export function NewTokenPanel({ token, name, note, testIdPrefix = "" }: NewTokenPanelProps) {
  const [copied, setCopied] = useState(false);
  return (
    <Alert tone="info" role="status" data-testid={`${testIdPrefix}new-token`}>
      <p className="font-medium">
        Your new token “{name}”. Copy it now: it is shown only this once.{note ? <> {note}</> : null}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-zinc-900" data-testid={`${testIdPrefix}new-token-value`}>
          {token}
        </code>
        <Button
          variant="secondary"
          className="h-8 px-3"
          data-testid={`${testIdPrefix}copy-token`}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(token);
              setCopied(true);
              toast.success("Token copied.");
            } catch {
              toast.error("Could not copy: select the token and copy it by hand.");
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </Alert>
  );
}
