import type { TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

/**
 * Dense table cells: numbers right-aligned in tabular figures so columns of money line up. Tables sit in a `-mx-5`
 * scroller inside a Panel, so the outer cells carry the panel's padding.
 */

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={cn("px-2 py-2 text-left font-medium whitespace-nowrap first:pl-5 last:pr-5", className)} {...props} />;
}

export function NumTh({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <Th className={cn("text-right", className)} {...props} />;
}

export function Td({ className, num = false, ...props }: TdHTMLAttributes<HTMLTableCellElement> & { num?: boolean }) {
  return <td className={cn("px-2 py-2 whitespace-nowrap first:pl-5 last:pr-5", num && "text-right text-zinc-700 tabular-nums", className)} {...props} />;
}
