import { formatUsd } from "@/lib/money";
import type { ChatMessageMetadata } from "./contract";

const count = new Intl.NumberFormat("en-US");

export function formatTokens(n: number): string {
  return count.format(n);
}

/**
 * The cost line under an answer, as separate pieces: "1,234 in", "56 out", "$0.0012", then "200 cached",
 * "50 reasoning", and markers "estimated" / "unpriced" / "stopped" / "failed". Empty when there is nothing to say yet.
 */
export function costLineParts(meta: ChatMessageMetadata | undefined): { text: string; marker?: boolean }[] {
  if (!meta) return [];
  const parts: { text: string; marker?: boolean }[] = [];
  if (meta.costNano !== undefined || meta.inputTokens !== undefined || meta.outputTokens !== undefined) {
    parts.push({ text: `${formatTokens(meta.inputTokens ?? 0)} in` }, { text: `${formatTokens(meta.outputTokens ?? 0)} out` });
    if (meta.costNano !== undefined) parts.push({ text: formatUsd(meta.costNano) });
    if (meta.cacheReadTokens) parts.push({ text: `${formatTokens(meta.cacheReadTokens)} cached` });
    if (meta.cacheWriteTokens) parts.push({ text: `${formatTokens(meta.cacheWriteTokens)} cache write` });
    if (meta.reasoningTokens) parts.push({ text: `${formatTokens(meta.reasoningTokens)} reasoning` });
    if (meta.estimated) parts.push({ text: "estimated", marker: true });
    if (meta.priced === false) parts.push({ text: "unpriced", marker: true });
  }
  if (meta.status === "aborted") parts.push({ text: "stopped", marker: true });
  if (meta.status === "error") parts.push({ text: "failed", marker: true });
  return parts;
}
