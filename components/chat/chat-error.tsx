"use client";

import Link from "next/link";
import { Button } from "@/components/ui/button";
import { toClientAppError } from "@/lib/chat/client-fetch";
import type { BudgetExceededDetails } from "@/lib/chat/contract";

const BUDGET_SETTINGS = "/settings?tab=budget";
const KEY_SETTINGS = "/settings?tab=keys";

function settingsUrlOf(details: unknown, fallback: string): string {
  const url = (details as Partial<BudgetExceededDetails> | undefined)?.settingsUrl;
  // Only links inside the app.
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : fallback;
}

const linkClass = "font-medium text-red-900 underline underline-offset-2 hover:text-red-950";

/** What went wrong with the last request, where the conversation is, with the one thing to do about it. */
export function ChatError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const appError = toClientAppError(error);
  let action;
  if (appError.code === "budget_exceeded") {
    action = (
      <Link href={BUDGET_SETTINGS} className={linkClass} data-testid="chat-error-link">
        Budget settings
      </Link>
    );
  } else if (appError.code === "api_key_required" || appError.code === "upstream_key_rejected") {
    action = (
      <Link href={settingsUrlOf(appError.details, KEY_SETTINGS)} className={linkClass} data-testid="chat-error-link">
        API key settings
      </Link>
    );
  } else if (appError.code === "unauthorized" || appError.code === "session_ended") {
    action = (
      <Link href="/login?error=session_ended" className={linkClass} data-testid="chat-error-link">
        Sign in again
      </Link>
    );
  } else if (appError.code === "model_required") {
    action = (
      <Link href="/settings?tab=models" className={linkClass} data-testid="chat-error-link">
        Model settings
      </Link>
    );
  } else {
    action = (
      <Button variant="secondary" className="h-8 px-3" onClick={onRetry} data-testid="retry">
        Retry
      </Button>
    );
  }
  return (
    <div role="alert" className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="chat-error">
      <p data-testid="chat-error-message" data-code={appError.code}>
        {appError.message}
      </p>
      {action}
    </div>
  );
}
