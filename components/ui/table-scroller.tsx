import type { HTMLAttributes } from "react";
import { cn } from "@/lib/cn";

/**
 * The horizontal scroller around a table that is wider than a phone: the table scrolls inside its card, not the page.
 * Focusable and labelled, so a keyboard user can scroll it too (axe: scrollable-region-focusable).
 */
export function TableScroller({ label, className, ...props }: HTMLAttributes<HTMLDivElement> & { label: string }) {
  return <div role="region" aria-label={label} tabIndex={0} className={cn("overflow-x-auto focus-visible:outline-2 focus-visible:outline-brand-500", className)} {...props} />;
}
