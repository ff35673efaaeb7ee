import type { InputHTMLAttributes } from "react";
import { cn } from "@/lib/cn";

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return (
    <input
      className={cn(
        "h-9 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400",
        "focus:border-brand-500 focus:outline-2 focus:outline-brand-100 aria-invalid:border-red-500",
        className,
      )}
      {...props}
    />
  );
}
