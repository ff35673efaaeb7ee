import "server-only";
import { randomUUID } from "node:crypto";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import type { User } from "@/db/schema";
import { requireAdmin, requireUser } from "@/lib/auth/session";
import { toAppError, validationError, type FieldErrors } from "@/lib/errors";
import { logFailure } from "@/lib/log";

/** What every form action returns to `useActionState`. */
export interface ActionState {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: FieldErrors;
  /** Submitted values to refill the form with (never passwords). */
  values?: Record<string, string>;
}

const NEVER_ECHO = /password|secret|api_?key|token$/i;

function echoValues(formData: unknown): Record<string, string> | undefined {
  if (!(formData instanceof FormData)) return undefined;
  const values: Record<string, string> = {};
  for (const [name, value] of formData.entries()) {
    if (typeof value === "string" && !NEVER_ECHO.test(name) && !name.startsWith("$")) values[name] = value;
  }
  return values;
}

export function errorState(error: unknown, formData: unknown): ActionState {
  const appError = toAppError(error);
  if (appError.code === "internal") logFailure("action", "a server action", error, { requestId: randomUUID() });
  const details = appError.details as { fieldErrors?: FieldErrors; field?: string } | undefined;
  const fieldErrors = details?.fieldErrors ?? (details?.field ? { [details.field]: [appError.message] } : undefined);
  return {
    error: fieldErrors ? undefined : appError.message,
    fieldErrors,
    values: echoValues(formData),
  };
}

type Handler<S extends z.ZodType, U> = (data: z.output<S>, user: U, formData: FormData) => Promise<ActionState | void>;

/** What a caller that did not send a form gets (a JSON or garbage body posted with a `Next-Action` header). */
export const UNREADABLE_FORM = "This form could not be read. Reload the page and try again.";

/**
 * The one action wrapper: loads the user (`loadUser` throws 401/403 as an AppError), parses the form with `schema`
 * and runs `handler`; every failure becomes the form's error state, never a thrown error (a 500). Anything that is
 * not a FormData — Next.js hands actions whatever the request body decoded to — gets `UNREADABLE_FORM`.
 */
export function wrap<S extends z.ZodType, U>(schema: S, loadUser: () => Promise<U>, handler: Handler<S, U>) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> => {
    if (!(formData instanceof FormData)) return { error: UNREADABLE_FORM };
    try {
      const user = await loadUser();
      const parsed = schema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) throw validationError(parsed.error);
      return (await handler(parsed.data, user, formData)) ?? { ok: true };
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() must reach Next.js
      return errorState(error, formData);
    }
  };
}

/** A form action open to anyone (sign-in, registration). */
export function publicAction<S extends z.ZodType>(schema: S, handler: Handler<S, null>) {
  return wrap(schema, async () => null, handler);
}

/** A form action for signed-in users; the user is loaded on the server. */
export function userAction<S extends z.ZodType>(schema: S, handler: Handler<S, User>) {
  return wrap(schema, requireUser, handler);
}

/** A form action for admins only; the role is checked on the server. */
export function adminAction<S extends z.ZodType>(schema: S, handler: Handler<S, User>) {
  return wrap(schema, requireAdmin, handler);
}

