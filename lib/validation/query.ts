import type { z } from "zod";
import { validationError } from "@/lib/errors";
import { assertStorable } from "./text";

/**
 * A request's query string as a plain object: an empty parameter (`?cursor=`) means "not given", a repeated one
 * keeps its last value, and text the database cannot store (a `%00`) is refused with a 400 naming the parameter.
 * Built with Object.fromEntries, so a `__proto__` parameter is an ordinary (ignored) key.
 */
export function queryParams(request: Request): Record<string, string> {
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  assertStorable(params, "The query string");
  return params;
}

/** Parses the query string with a zod schema: 400 validation_failed naming the first bad parameter. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const parsed = schema.safeParse(queryParams(request));
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
