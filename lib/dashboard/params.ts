import { z } from "zod";
import { validationError } from "@/lib/errors";
import { cursorParam } from "@/lib/validation/cursor";
import { queryParams } from "@/lib/validation/query";
import { text } from "@/lib/validation/text";
import { ADMIN_USER_SORT, rangeQuerySchema, type RangeQuery } from "./contract";

/**
 * The dashboards' query parameters (user and admin routes alike): the range (lib/dashboard/contract.ts) plus each
 * endpoint's own. Bad input throws a 400 naming the parameter.
 */

const enumOf = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: `${name} must be one of ${values.join(", ")}` });

const intParam = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);

export const recentParams = {
  limit: intParam("limit", 1, 100, 50),
  cursor: cursorParam.optional(),
};

export const adminUserParams = {
  q: text().trim().max(200, "q is at most 200 characters").optional(),
  sort: enumOf("sort", ADMIN_USER_SORT).default("spend"),
  dir: enumOf("dir", ["asc", "desc"] as const).optional(),
  page: intParam("page", 1, 100_000, 1),
  pageSize: intParam("pageSize", 1, 100, 25),
};

export const groupByParam = <T extends readonly [string, ...string[]]>(values: T) => ({ groupBy: enumOf("groupBy", values).default(values[0]) });
export const breakdownByParam = <T extends readonly [string, ...string[]]>(values: T) => ({ by: enumOf("by", values).default(values[0]) });

/**
 * Parses a dashboard request's query string: the range parameters and `extra`; anything else (a `userId`, say) is
 * ignored. An empty parameter (`?cursor=`) means "not given".
 */
export function parseDashboardQuery<T extends z.ZodRawShape>(request: Request, extra: T): RangeQuery & z.output<z.ZodObject<T>> {
  const params = queryParams(request);
  const range = rangeQuerySchema.safeParse(params);
  if (!range.success) throw validationError(range.error);
  const rest = z.object(extra).safeParse(params);
  if (!rest.success) throw validationError(rest.error);
  return { ...range.data, ...(rest.data as z.output<z.ZodObject<T>>) };
}
