import type { SkillStats } from "@/db/queries/usage-stats";
import type { ResolvedRange } from "@/lib/dashboard/contract";
import { nanoToUsdString } from "@/lib/money";

/**
 * A skill's usage on the wire, defined once: the `by_skill` items of `GET /api/usage/stats` and the rows of the
 * dashboard's skills table (`GET /api/usage/skills`). The average is over measured uses (a use that reported no tokens
 * and no cost has no cost to average); null when there were none. No server-only imports: the UI imports the type.
 */
export interface SkillUsageJson {
  skill_id: string;
  uses: number;
  measured_uses: number;
  total_cost_nano: number;
  total_cost_usd: string;
  avg_cost_per_use_nano: number | null;
  predominant_model: string | null;
}

export function toSkillUsageJson(s: SkillStats): SkillUsageJson {
  return {
    skill_id: s.skill,
    uses: s.uses,
    measured_uses: s.measuredUses,
    total_cost_nano: s.totalCostNano,
    total_cost_usd: nanoToUsdString(s.totalCostNano),
    avg_cost_per_use_nano: s.measuredUses > 0 ? Math.round(s.totalCostNano / s.measuredUses) : null,
    predominant_model: s.predominantModel,
  };
}

/** `GET /api/usage/skills?range…`: the range as resolved (the dashboard's rule) and its skills, most expensive first. */
export interface DashboardSkills {
  range: ResolvedRange;
  skills: SkillUsageJson[];
}
