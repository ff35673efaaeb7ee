import type { UsageSource } from "@/db/schema";
import { PROVIDERS, type ProviderKind } from "@/lib/providers/registry";

/**
 * One colour per series key (provider, model, user, feature…), the same in every chart and table of the page: the
 * spend chart, the breakdown bars and the table swatches agree. Providers have fixed colours; any other key gets the
 * palette slot its hash points to, or the next free one, so different keys on a page get different colours until
 * the palette runs out.
 */

const PROVIDER_COLORS: Record<ProviderKind, string> = {
  openai: "#10a37f",
  anthropic: "#d97757",
  google: "#4285f4",
  openrouter: "#7c3aed",
  "openai-compatible": "#64748b",
};

export const OTHER_COLOR = "#a1a1aa";

const PALETTE = [
  "#2f6fed",
  "#f59e0b",
  "#ec4899",
  "#14b8a6",
  "#8b5cf6",
  "#ef4444",
  "#84cc16",
  "#06b6d4",
  "#f97316",
  "#6366f1",
  "#eab308",
  "#22c55e",
  "#a855f7",
  "#0ea5e9",
  "#e11d48",
  "#65a30d",
] as const;

const assigned = new Map<string, string>();
const used = new Set<number>();

function hash(text: string): number {
  // FNV-1a, 32-bit
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function seriesColor(key: string): string {
  if (key === "other") return OTHER_COLOR;
  const fixed = Object.hasOwn(PROVIDER_COLORS, key) ? PROVIDER_COLORS[key as ProviderKind] : undefined;
  if (fixed) return fixed;
  const known = assigned.get(key);
  if (known) return known;
  const start = hash(key) % PALETTE.length;
  let slot = start;
  for (let i = 0; i < PALETTE.length; i++) {
    const candidate = (start + i) % PALETTE.length;
    if (!used.has(candidate)) {
      slot = candidate;
      break;
    }
  }
  used.add(slot);
  const color = PALETTE[slot]!;
  assigned.set(key, color);
  return color;
}

/** A person-readable name for a series key: provider names and "Other"; anything else is shown as it is. */
export function seriesLabel(key: string): string {
  if (key === "other") return "Other";
  return Object.hasOwn(PROVIDERS, key) ? PROVIDERS[key as ProviderKind].label : key;
}

const SOURCE_LABELS: Record<UsageSource, string> = { chat: "Chat", gateway: "API gateway", track: "Reported by an app" };

/** Which caller made a call (usage_events.source), for people. */
export function sourceLabel(source: string): string {
  return Object.hasOwn(SOURCE_LABELS, source) ? SOURCE_LABELS[source as UsageSource] : source;
}
