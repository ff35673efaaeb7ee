"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fetchJson } from "@/lib/chat/client-fetch";
import { formatNumber } from "@/lib/format";
import { formatUsd, formatUsdExact } from "@/lib/money";
import type { DashboardSkills } from "@/lib/track/skills";
import { EmptyNote, Panel, PanelError, Skeleton } from "./panel";
import { rangeKey, rangeParams, type RangeSelection } from "./range";
import { NumTh, Td, Th } from "./table";
import { usageKeys } from "./usage-api";

/**
 * Spend by skill in the range: the skills apps name (`x-spendboard-skill` on the gateway, `skill_id` on /api/track),
 * with uses, measured uses (those that reported tokens or a cost), total cost, average cost per measured use and the
 * model used most. The same numbers as `/api/usage/stats`' `by_skill`.
 */
export function SkillsTable({ apiBase, range, connectLink = false }: { apiBase: string; range: RangeSelection; connectLink?: boolean }) {
  const query = useQuery({
    queryKey: [...usageKeys.all(apiBase), "skills", rangeKey(range)],
    queryFn: ({ signal }) => fetchJson<DashboardSkills>(`${apiBase}/skills?${rangeParams(range)}`, { signal }),
    refetchOnWindowFocus: true,
    placeholderData: keepPreviousData,
  });
  const skills = query.data?.skills ?? [];
  return (
    <Panel title="Skills" description="Cost per skill your apps and agents named, most expensive first" busy={query.isPending || query.isPlaceholderData} data-testid="skills">
      {query.isPending ? (
        <Skeleton className="h-24 w-full" label="Loading skills…" />
      ) : query.isError && !query.data ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : skills.length === 0 ? (
        <EmptyNote>
          <span>
            No skills in this range. Name one with the <code>x-spendboard-skill</code> header or <code>skill_id</code> on /api/track
            {connectLink ? (
              <>
                {" "}
                (<Link href="/connect" className="font-medium text-brand-600 hover:underline">Connect an app</Link>)
              </>
            ) : null}
            .
          </span>
        </EmptyNote>
      ) : (
        <div className="-mx-5 overflow-x-auto" role="region" aria-label="Skills" tabIndex={0}>
          <table className="w-full min-w-[40rem] text-sm" data-testid="skills-table">
            <caption className="sr-only">Spend by skill</caption>
            <thead className="border-b border-zinc-200 text-xs text-zinc-500">
              <tr>
                <Th>Skill</Th>
                <NumTh>Uses</NumTh>
                <NumTh title="Uses that reported tokens or a cost (and whose model has a price)">Measured</NumTh>
                <NumTh>Total cost</NumTh>
                <NumTh title="Total cost divided by measured uses">Avg per use</NumTh>
                <Th>Main model</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {skills.map((s) => (
                <tr key={s.skill_id} className="hover:bg-zinc-50" data-testid="skill-row" data-skill={s.skill_id}>
                  <Td className="max-w-60 truncate font-medium text-zinc-800" title={s.skill_id}>
                    {s.skill_id}
                  </Td>
                  <Td num data-testid="skill-uses">
                    {formatNumber(s.uses)}
                  </Td>
                  <Td num data-testid="skill-measured">
                    {formatNumber(s.measured_uses)}
                  </Td>
                  <Td num className="font-medium text-zinc-900" title={formatUsdExact(s.total_cost_nano)} data-testid="skill-cost">
                    {formatUsd(s.total_cost_nano)}
                  </Td>
                  <Td num title={s.avg_cost_per_use_nano === null ? undefined : formatUsdExact(s.avg_cost_per_use_nano)} data-testid="skill-avg">
                    {s.avg_cost_per_use_nano === null ? "—" : formatUsd(s.avg_cost_per_use_nano)}
                  </Td>
                  <Td className="max-w-48 truncate text-zinc-600" title={s.predominant_model ?? undefined} data-testid="skill-model">
                    {s.predominant_model ?? "—"}
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
          {query.isError ? (
            <div className="mt-3 px-5">
              <PanelError compact error={query.error} onRetry={() => void query.refetch()} />
            </div>
          ) : null}
        </div>
      )}
    </Panel>
  );
}
