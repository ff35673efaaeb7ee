import type { SelectHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

export function Select({ className, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select
      className={cn(
        "h-9 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm shadow-xs",
        "focus:border-brand-500 focus:outline-2 focus:outline-brand-100 aria-invalid:border-red-500",
        className,
      )}
      {...props}
    />
  );
}
