import "server-only";
import { inArray, sql } from "drizzle-orm";
import { getDb, type DbExecutor } from "@/db";
import { usageEvents } from "@/db/schema";
import { eventsWhere, num, rowsOf } from "./usage-rows";

/**
 * `/api/usage/stats` and `/api/track` reads: one user's events in an instant range (`usage_events_user_created_idx`),
 * summed in total, by feature, by source and by skill. Tokens are every bucket once (input without cache, cache read,
 * cache write, output — reasoning is part of output), as the budget ledger counts them. Unpriced events count as calls
 * and tokens but add no cost.
 */

export interface StatsGroup {
  key: string;
  calls: number;
  tokens: number;
  costNano: number;
}

export interface SkillStats {
  skill: string;
  uses: number;
  /** Uses with tokens or a reported cost, whose cost is known. */
  measuredUses: number;
  totalCostNano: number;
  /** The model the skill used most often (ties: the dearer, then by name); null when no use named a model. */
  predominantModel: string | null;
}

export interface UsageStats {
  calls: number;
  tokens: number;
  costNano: number;
  byFeature: StatsGroup[];
  bySource: StatsGroup[];
  bySkill: SkillStats[];
}

const TOKENS = sql.raw(`(input_no_cache_tokens + cache_read_tokens + cache_write_tokens + output_tokens)`);
/** An event that measured something: tokens, or a cost the client reported. */
const MEASURED = sql.raw(`(cost_nano is not null and (input_no_cache_tokens + cache_read_tokens + cache_write_tokens + output_tokens > 0 or reported_cost_nano is not null))`);

export async function readUsageStats(
  { userId, startsAt, endsAt, noModel }: { userId: string; startsAt: string; endsAt: string; noModel: string },
  executor?: DbExecutor,
): Promise<UsageStats> {
  const where = eventsWhere({ userId, startsAt, endsAt });
  const grouped = (key: "feature" | "source") =>
    rowsOf(
      sql`select ${sql.raw(key)}::text as key, count(*) as calls, coalesce(sum(${TOKENS}), 0) as tokens, coalesce(sum(cost_nano), 0) as cost_nano
          from usage_events where ${where} group by 1 order by cost_nano desc, calls desc, key`,
      executor,
    );
  const [totals, features, sources, skills] = await Promise.all([
    rowsOf(sql`select count(*) as calls, coalesce(sum(${TOKENS}), 0) as tokens, coalesce(sum(cost_nano), 0) as cost_nano from usage_events where ${where}`, executor),
    grouped("feature"),
    grouped("source"),
    readSkillStats({ userId, startsAt, endsAt, noModel }, executor),
  ]);
  const group = (r: Record<string, unknown>): StatsGroup => ({ key: String(r.key), calls: num(r.calls), tokens: num(r.tokens), costNano: num(r.cost_nano) });
  const total = totals[0] ?? {};
  return {
    calls: num(total.calls),
    tokens: num(total.tokens),
    costNano: num(total.cost_nano),
    byFeature: features.map(group),
    bySource: sources.map(group),
    bySkill: skills,
  };
}

/**
 * One user's skills in an instant range (uses, measured uses, cost, predominant model), most expensive first: the
 * `by_skill` of `/api/usage/stats` and the dashboard's skills table.
 */
export async function readSkillStats(
  { userId, startsAt, endsAt, noModel }: { userId: string; startsAt: string; endsAt: string; noModel: string },
  executor?: DbExecutor,
): Promise<SkillStats[]> {
  const where = eventsWhere({ userId, startsAt, endsAt });
  const rows = await rowsOf(
    sql`with skill_events as (select skill, model, cost_nano, ${MEASURED} as measured from usage_events where ${where} and skill is not null),
        models as (
          select skill, model, row_number() over (partition by skill order by count(*) desc, coalesce(sum(cost_nano), 0) desc, model) as rank
          from skill_events where model <> ${noModel} group by skill, model)
        select s.skill, count(*) as uses, count(*) filter (where s.measured) as measured_uses,
               coalesce(sum(s.cost_nano), 0) as total_cost_nano,
               (select m.model from models m where m.skill = s.skill and m.rank = 1) as predominant_model
        from skill_events s group by s.skill order by total_cost_nano desc, uses desc, s.skill`,
    executor,
  );
  return rows.map((r) => ({
    skill: String(r.skill),
    uses: num(r.uses),
    measuredUses: num(r.measured_uses),
    totalCostNano: num(r.total_cost_nano),
    predominantModel: r.predominant_model === null || r.predominant_model === undefined ? null : String(r.predominant_model),
  }));
}

/** Which of these request ids are stored (for `/api/track`: an event whose request id is missing was a duplicate). */
export async function storedRequestIds({ requestIds }: { requestIds: string[] }, executor?: DbExecutor): Promise<Set<string>> {
  if (requestIds.length === 0) return new Set();
  const db = executor ?? (await getDb());
  const rows = await db.select({ requestId: usageEvents.requestId }).from(usageEvents).where(inArray(usageEvents.requestId, requestIds));
  return new Set(rows.map((r) => r.requestId));
}

/** What an API token's calls cost in an instant range (its own monthly budget counts these; nano-USD). */
export async function tokenSpend({ tokenId, startsAt, endsAt }: { tokenId: string; startsAt: string; endsAt: string }, executor?: DbExecutor): Promise<number> {
  const rows = await rowsOf(
    sql`select coalesce(sum(cost_nano), 0) as cost from usage_events
        where api_token_id = ${tokenId}::uuid and created_at >= ${startsAt}::timestamptz and created_at < ${endsAt}::timestamptz`,
    executor,
  );
  return num(rows[0]?.cost);
}
