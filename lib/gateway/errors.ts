import "server-only";
import { wwwAuthenticate } from "@/lib/api-tokens/authenticate";
import { toAppError } from "@/lib/errors";
import { logFailure } from "@/lib/log";

/**
 * Gateway errors in the API's own format, so the official SDKs show them as they would the provider's: OpenAI's
 * `{error:{message,type,param,code}}`, Anthropic's `{type:"error",error:{type,message}}`. A budget refusal is a 429
 * with `x-should-retry: false` (the SDKs retry 429s otherwise); a missing or bad token a 401 with `WWW-Authenticate`.
 */

export type Dialect = "openai" | "anthropic";

const OPENAI_TYPE: Record<number, string> = { 400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 413: "invalid_request_error", 429: "insufficient_quota" };
const ANTHROPIC_TYPE: Record<number, string> = { 400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error" };

export function gatewayError(dialect: Dialect, error: unknown, request: Request): Response {
  const appError = toAppError(error);
  if (appError.code === "internal") logFailure("api", `${request.method} ${new URL(request.url).pathname}`, error);
  const status = appError.status;
  const headers = new Headers({ "content-type": "application/json" });
  const challenge = wwwAuthenticate(appError);
  if (challenge) headers.set("www-authenticate", challenge);
  if (appError.code === "budget_exceeded") headers.set("x-should-retry", "false");
  const body =
    dialect === "openai"
      ? { error: { message: appError.message, type: OPENAI_TYPE[status] ?? (status >= 500 ? "server_error" : "invalid_request_error"), param: null, code: appError.code, ...(appError.details ? { details: appError.details } : {}) } }
      : { type: "error", error: { type: ANTHROPIC_TYPE[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message: appError.message } };
  return new Response(JSON.stringify(body), { status, headers });
}

/** An upstream error body with the key it was called with taken out (some providers echo part of it). */
export function scrubbed(body: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 8) return body;
  return body.split(apiKey).join("[redacted]").split(apiKey.slice(-12)).join("[redacted]");
}
