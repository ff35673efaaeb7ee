import { AppError, ERROR_CODES, type ErrorCode } from "@/lib/errors";

/**
 * The one fetch helper of the browser side: JSON in, JSON out, and every failure thrown as the AppError the server
 * sent (`{ error: { code, message, details } }`), rebuilt so components can branch on `code`.
 */

const OFFLINE_MESSAGE = "Could not reach Spendboard. Check your connection and try again.";

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/** Rebuilds an AppError from an error response body (JSON or not) and its HTTP status. */
export function errorFromResponseText(text: string, status: number): AppError {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = undefined;
  }
  const error = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && isErrorCode(error.code)) return AppError.fromPayload(payload, status);
  const fallback: ErrorCode = status === 401 ? "unauthorized" : status === 404 ? "not_found" : status >= 500 ? "internal" : "bad_request";
  // A code this client does not know yet still carries a message a person can act on.
  const message = typeof error?.message === "string" && error.message ? error.message : undefined;
  return new AppError(fallback, message, { details: error?.details });
}

/**
 * Turns whatever the AI SDK's useChat reports into an AppError. A refused request (4xx/5xx before streaming) arrives
 * as an APICallError whose message and `responseBody` are the response text; an error during the stream arrives as
 * an Error whose message is the server's error text.
 */
export function toClientAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof Error)) return new AppError("internal");
  const withResponse = error as Error & { responseBody?: unknown; statusCode?: unknown };
  const body = typeof withResponse.responseBody === "string" ? withResponse.responseBody : error.message;
  const status = typeof withResponse.statusCode === "number" ? withResponse.statusCode : 0;
  if (body.trimStart().startsWith("{")) return errorFromResponseText(body, status || 500);
  if (error instanceof TypeError || /failed to fetch|network|load failed/i.test(error.message)) {
    return new AppError("internal", OFFLINE_MESSAGE, { cause: error });
  }
  const code: ErrorCode = status === 0 || status >= 500 ? "upstream_failed" : "bad_request";
  return new AppError(code, error.message || undefined, { cause: error });
}

export async function fetchJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (!headers.has("accept")) headers.set("accept", "application/json");
  if (init.body !== undefined && init.body !== null && !headers.has("content-type")) headers.set("content-type", "application/json");
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new AppError("internal", OFFLINE_MESSAGE, { cause });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!response.ok) throw errorFromResponseText(text, response.status);
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new AppError("internal", "The server sent an answer this page cannot read. Reload and try again.", { cause });
  }
}
