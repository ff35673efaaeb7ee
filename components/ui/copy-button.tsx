"use client";

import { useState } from "react";
import { toast } from "sonner";
import { cn } from "@/lib/cn";

/** Copies text to the clipboard; says "Copied" for a moment. */
export function CopyButton({
  getText,
  label = "Copy",
  className,
  ...props
}: { getText: () => string; label?: string; className?: string } & Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, "onClick">) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(getText());
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    } catch {
      toast.error("Could not copy: the browser did not allow access to the clipboard.");
    }
  }
  return (
    <button
      type="button"
      onClick={copy}
      className={cn(
        "rounded px-1.5 py-0.5 text-xs font-medium transition-colors focus-visible:outline-2 focus-visible:outline-brand-500",
        className,
      )}
      {...props}
    >
      {copied ? "Copied" : label}
      <span className="sr-only" aria-live="polite">
        {copied ? " to the clipboard" : ""}
      </span>
    </button>
  );
}
