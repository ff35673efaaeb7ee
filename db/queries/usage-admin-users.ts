import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import type { ADMIN_USER_SORT, AdminUserRow } from "@/lib/dashboard/contract";
import { dailyWhere, type ZoneDays } from "./usage-reports";
import { date, num, numOrNull, rowsOf } from "./usage-rows";

export type AdminUserSort = (typeof ADMIN_USER_SORT)[number];

/** A row of the admin's user list: the wire row (lib/dashboard/contract.ts) with its last activity as a Date. */
export type AdminUserListRow = Omit<AdminUserRow, "lastActiveAt"> & { lastActiveAt: Date | null };

const ADMIN_SORT_SQL: Record<AdminUserSort, SQL> = {
  spend: sql.raw("spend"),
  budget: sql.raw("budget"),
  pct: sql.raw("pct"),
  requests: sql.raw("requests"),
  last_active: sql.raw("last_active"),
  email: sql.raw("email"),
};

function userSearch(q: string | undefined): SQL {
  if (!q) return sql`true`;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`(u.email ilike ${pattern} or u.name ilike ${pattern})`;
}

/**
 * The admin's user list: each user's spend, requests and top model (by cost) over their own local days from the
 * rollups (with `zones`, each over the span the range means in their time zone, as on their own dashboard); the
 * tightest monthly cost limit of their own budget and the admin cap; the share of it spent in their current budget
 * month (the budget ledger, as enforcement sees it); their last usage event (an index lookup per user).
 * Searchable by email or name, sorted by a whitelisted key (nulls last, then email), one page.
 */
export async function listAdminUsers(args: {
  from: string;
  to: string;
  zones?: ZoneDays;
  now: Date;
  q?: string;
  sort: AdminUserSort;
  dir: "asc" | "desc";
  limit: number;
  offset: number;
}, executor?: DbExecutor): Promise<{ rows: AdminUserListRow[]; total: number }> {
  const now = args.now.toISOString();
  const direction = sql.raw(args.dir === "asc" ? "asc" : "desc");
  const [rows, counted] = await Promise.all([
    rowsOf(sql`
      with per_model as (
        select user_id, model, sum(cost_nano) as cost, sum(requests) as requests
        from usage_daily
        where ${dailyWhere({ userId: null, from: args.from, to: args.to, zones: args.zones })}
        group by user_id, model
      ), per_user as (
        select user_id, sum(cost) as spend, sum(requests) as requests,
               (array_agg(model order by cost desc, requests desc, model))[1] as top_model
        from per_model
        group by user_id
      ), caps as (
        select user_id, min(monthly_cost_limit_nano) as budget
        from budgets
        where monthly_cost_limit_nano is not null
        group by user_id
      ), listed as (
        select u.id, u.email, u.name, u.role, u.disabled_at,
               coalesce(p.spend, 0) as spend, coalesce(p.requests, 0) as requests, p.top_model,
               c.budget, coalesce(m.spent_nano, 0) as month_spent,
               case when c.budget is null then null
                    when c.budget = 0 then 100
                    else round(coalesce(m.spent_nano, 0)::numeric * 100 / c.budget, 1) end as pct,
               (select max(e.created_at) from usage_events e where e.user_id = u.id) as last_active
        from users u
        left join per_user p on p.user_id = u.id
        left join caps c on c.user_id = u.id
        left join lateral (
          select l.spent_nano from budget_ledger l
          where c.budget is not null and l.user_id = u.id and l.period_kind = 'month'
            and l.period_start <= ${now}::timestamptz and l.period_end > ${now}::timestamptz
          order by l.period_start desc
          limit 1
        ) m on true
        where ${userSearch(args.q)}
      )
      select id::text as id, email, name, role::text as role, disabled_at, spend, requests, top_model, budget, month_spent, pct,
             last_active
      from listed
      order by ${ADMIN_SORT_SQL[args.sort]} ${direction} nulls last, email asc, id asc
      limit ${args.limit} offset ${args.offset}`, executor),
    rowsOf(sql`select count(*) as total from users u where ${userSearch(args.q)}`, executor),
  ]);
  return {
    total: num(counted[0]?.total),
    rows: rows.map((row) => ({
      id: String(row.id),
      email: String(row.email),
      name: row.name === null ? null : String(row.name),
      role: String(row.role) as "admin" | "user",
      disabled: row.disabled_at !== null,
      spendNano: num(row.spend),
      budgetNano: numOrNull(row.budget),
      pctUsed: numOrNull(row.pct),
      requests: num(row.requests),
      topModel: row.top_model === null ? null : String(row.top_model),
      lastActiveAt: row.last_active === null ? null : date(row.last_active),
    })),
  };
}
