import type { HTMLAttributes } from "react";
import { cn } from "@/lib/cn";

const tones = {
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  zinc: "bg-zinc-100 text-zinc-700 ring-zinc-200",
  blue: "bg-brand-50 text-brand-700 ring-brand-100",
} as const;

export function Badge({ className, tone = "zinc", ...props }: HTMLAttributes<HTMLSpanElement> & { tone?: keyof typeof tones }) {
  return <span className={cn("inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset", tones[tone], className)} {...props} />;
}
