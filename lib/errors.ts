import type { ZodError } from "zod";

/**
 * The one error type of the app. Each code maps to an HTTP status and a message a person can act on.
 * JSON shape on the wire: { "error": { "code", "message", "details"? } } — the client rebuilds the same AppError.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, message: "The request is not valid." },
  validation_failed: { status: 400, message: "Some fields are not valid." },
  unauthorized: { status: 401, message: "Sign in to continue." },
  forbidden: { status: 403, message: "You do not have access to this." },
  admin_required: { status: 403, message: "Only admins can do this." },
  account_disabled: { status: 403, message: "This account is disabled. Ask an admin to enable it again." },
  invalid_token: {
    status: 401,
    message: "This API token is not valid: it may be mistyped, revoked or expired, or its user is disabled.",
  },
  insufficient_scope: { status: 403, message: "This API token does not have the scope this needs." },
  session_ended: {
    status: 401,
    message:
      "Your session has ended: you signed out, your password or role changed, or the account was disabled. Sign in again.",
  },
  api_key_required: {
    status: 400,
    message: "Add an API key for this provider in Settings first.",
  },
  model_required: { status: 400, message: "Choose a model, or set a default model in Settings." },
  unknown_model: { status: 400, message: "That model is not available to you." },
  not_found: { status: 404, message: "Not found." },
  conversation_not_found: { status: 404, message: "That conversation does not exist." },
  budget_exceeded: { status: 429, message: "This request does not fit in your budget." },
  rate_limited: { status: 429, message: "Too many failed sign-ins. Try again later." },
  upstream_key_rejected: { status: 502, message: "The provider rejected your API key. Check it in Settings → API keys." },
  upstream_rate_limited: { status: 503, message: "The provider is rate-limiting requests right now. Try again shortly." },
  upstream_failed: { status: 502, message: "The provider is failing right now. Try again shortly." },
  method_not_allowed: { status: 405, message: "This method is not allowed here." },
  email_taken: { status: 409, message: "An account with this email already exists." },
  oauth_email_conflict: {
    status: 409,
    message: "An account with this email already exists. Sign in with your password instead.",
  },
  payload_too_large: { status: 413, message: "The request is too large." },
  database_not_migrated: {
    status: 503,
    message: "The database is not migrated yet. Run `npm run db:migrate` and try again.",
  },
  database_unavailable: { status: 503, message: "The database is not reachable right now. Try again shortly." },
  internal: { status: 500, message: "Something went wrong on our side. Try again; if it keeps happening, tell an admin." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorPayload {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
  }

  toJSON(): ErrorPayload {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }

  static fromPayload(payload: unknown, fallbackStatus = 500): AppError {
    const error = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    if (error && typeof error.code === "string" && Object.hasOwn(ERROR_CODES, error.code) && typeof error.message === "string") {
      return new AppError(error.code as ErrorCode, error.message, { details: error.details });
    }
    return new AppError(fallbackStatus >= 500 ? "internal" : "bad_request");
  }
}

/** Field name → messages, for forms and for 400 responses. */
export type FieldErrors = Record<string, string[]>;

// This module reaches the browser: it reads zod's errors by their shape, so that zod itself stays out of every page's
// bundle (38 KB gzipped).
function isZodError(error: unknown): error is ZodError {
  return error instanceof Error && error.name === "ZodError" && Array.isArray((error as { issues?: unknown }).issues);
}

/** Messages by top-level field (as zod's `flattenError(…).fieldErrors`). */
function fieldErrorsOf(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.path.length === 0) continue;
    (out[String(issue.path[0])] ??= []).push(issue.message);
  }
  return out;
}

export function validationError(error: ZodError): AppError {
  const fieldErrors = fieldErrorsOf(error);
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return new AppError("validation_failed", first ? `${where}${first.message}` : undefined, {
    details: { fieldErrors },
  });
}

/** Turns anything thrown into an AppError; unknown errors become `internal` (the caller logs them). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isZodError(error)) return validationError(error);
  return new AppError("internal", undefined, { cause: error });
}
