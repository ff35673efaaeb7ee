import { APICallError, RetryError } from "ai";
import { AppError } from "@/lib/errors";
import { PROVIDERS, type ProviderKind } from "@/lib/providers/registry";
import { ProviderStreamBroke } from "@/lib/usage/stream-errors";

function providerMessage(error: APICallError): string {
  const body = error.responseBody;
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
      const message = typeof parsed.error === "string" ? parsed.error : parsed.error?.message ?? parsed.message;
      if (message) return message.slice(0, 300);
    } catch {
      // not JSON
    }
  }
  return (error.message || "no reason given").slice(0, 300);
}

/**
 * What went wrong upstream, as a message a person can act on. A rejected key names which key; a failing provider
 * says so and that nothing beyond what was streamed is charged.
 */
export function toChatError(error: unknown, provider: ProviderKind, keySource: "user" | "system", endpointName?: string): AppError {
  if (error instanceof AppError) return error;
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  // A retried call whose new reservation the budget refused (others spent what was left meanwhile).
  if (cause instanceof AppError) return cause;
  const label = provider === "openai-compatible" ? `the endpoint “${endpointName ?? "OpenAI-compatible"}”` : PROVIDERS[provider].label;
  // A stream that had started and then broke: the answer so far stands; the HTTP status (200) says nothing here.
  const broke = [error, cause, (cause as { cause?: unknown })?.cause].find((e) => ProviderStreamBroke.isInstance(e)) as ProviderStreamBroke | undefined;
  if (broke) {
    return new AppError(
      "upstream_failed",
      `The stream from ${label} broke after ${broke.tokens.toLocaleString("en-US")} token${broke.tokens === 1 ? "" : "s"} (${broke.reason}). ` +
        "The answer so far is kept; only what was streamed is charged (estimated). Try again to get a complete answer.",
      { details: { provider, tokens: broke.tokens } },
    );
  }
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode ?? 0;
    const reason = providerMessage(cause);
    if (status === 401 || status === 403) {
      return new AppError(
        "upstream_key_rejected",
        keySource === "system"
          ? `${label} rejected the deployment's key (${status}: ${reason}). Tell an admin.`
          : `Your ${label} key was rejected (${status}: ${reason}). Replace it in Settings → API keys.`,
        { details: { provider, status, settingsUrl: "/settings?tab=keys" } },
      );
    }
    if (status === 429) {
      return new AppError("upstream_rate_limited", `${label} is rate-limiting requests (429: ${reason}). Try again in a moment.`, {
        details: { provider, status },
      });
    }
    if (status === 404 || status === 400) {
      return new AppError("upstream_failed", `${label} refused the request (${status}: ${reason}).`, { details: { provider, status } });
    }
    return new AppError(
      "upstream_failed",
      `${label} is failing right now (${status || "no answer"}: ${reason}). Nothing was charged beyond what was streamed.`,
      { details: { provider, status } },
    );
  }
  const message = (cause as Error)?.message ?? String(cause);
  return new AppError("upstream_failed", `${label} stopped answering (${message.slice(0, 200)}). Nothing was charged beyond what was streamed.`, {
    details: { provider },
  });
}
