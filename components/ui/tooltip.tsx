"use client";

import * as TooltipPrimitive from "@radix-ui/react-tooltip";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/cn";

/**
 * A short label shown on hover and on keyboard focus (Radix): for icon-only buttons, whose accessible name stays their
 * aria-label. Each tooltip carries its own provider, so no app-wide wrapper is needed.
 */
export function Tooltip({
  content,
  children,
  side = "bottom",
  className,
  ...props
}: { content: ReactNode; children: ReactNode; side?: ComponentProps<typeof TooltipPrimitive.Content>["side"] } & Omit<
  ComponentProps<typeof TooltipPrimitive.Content>,
  "content" | "side"
>) {
  return (
    <TooltipPrimitive.Provider delayDuration={400} skipDelayDuration={200}>
      <TooltipPrimitive.Root>
        <TooltipPrimitive.Trigger asChild>{children}</TooltipPrimitive.Trigger>
        <TooltipPrimitive.Portal>
          <TooltipPrimitive.Content
            side={side}
            sideOffset={6}
            className={cn(
              "z-50 max-w-xs rounded-md bg-zinc-900 px-2 py-1 text-xs font-medium text-white shadow-md",
              "data-[state=delayed-open]:animate-[fade-in_120ms_ease-out]",
              className,
            )}
            {...props}
          >
            {content}
          </TooltipPrimitive.Content>
        </TooltipPrimitive.Portal>
      </TooltipPrimitive.Root>
    </TooltipPrimitive.Provider>
  );
}
