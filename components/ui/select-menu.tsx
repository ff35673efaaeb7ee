"use client";

import * as SelectPrimitive from "@radix-ui/react-select";
import type { ComponentProps } from "react";
import { cn } from "@/lib/cn";

/**
 * A styled single-choice list (Radix Select): keyboard navigation, type-ahead, groups with labels, works in both
 * themes. The native <Select> in select.tsx stays for plain form fields; this one is for pickers that need groups,
 * secondary text or disabled options with an explanation.
 */
let inFormReset = false;
if (typeof document !== "undefined") {
  // A form's reset event (React resets a form after its action) reaches the document's capture listener first.
  document.addEventListener(
    "reset",
    () => {
      inFormReset = true;
      queueMicrotask(() => {
        inFormReset = false;
      });
    },
    true,
  );
}

/**
 * The select's root. Controlled (`value` given), it keeps its value when the form around it is reset, as React keeps
 * controlled inputs' values (Radix would report its first value back).
 */
export function SelectMenu({ onValueChange, ...props }: ComponentProps<typeof SelectPrimitive.Root>) {
  const controlled = props.value !== undefined;
  return (
    <SelectPrimitive.Root
      {...props}
      onValueChange={(next) => {
        if (controlled && inFormReset) return;
        onValueChange?.(next);
      }}
    />
  );
}
export const SelectMenuValue = SelectPrimitive.Value;
export const SelectMenuGroup = SelectPrimitive.Group;

function ChevronIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-4 shrink-0 text-zinc-500">
      <path d="M5.2 7.2a.75.75 0 0 1 1.06 0L10 10.94l3.74-3.74a.75.75 0 1 1 1.06 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0L5.2 8.26a.75.75 0 0 1 0-1.06Z" />
    </svg>
  );
}

export function SelectMenuTrigger({ className, children, ...props }: ComponentProps<typeof SelectPrimitive.Trigger>) {
  return (
    <SelectPrimitive.Trigger
      className={cn(
        "inline-flex h-9 w-full min-w-0 items-center justify-between gap-2 rounded-md border border-zinc-300 bg-white px-3 text-left text-sm shadow-xs",
        "focus:border-brand-500 focus:outline-2 focus:outline-brand-100 disabled:cursor-not-allowed disabled:opacity-60 aria-invalid:border-red-500",
        "data-placeholder:text-zinc-500 [&>span]:truncate",
        className,
      )}
      {...props}
    >
      {children}
      <SelectPrimitive.Icon asChild>
        <ChevronIcon />
      </SelectPrimitive.Icon>
    </SelectPrimitive.Trigger>
  );
}

export function SelectMenuContent({ className, children, position = "popper", ...props }: ComponentProps<typeof SelectPrimitive.Content>) {
  return (
    <SelectPrimitive.Portal>
      <SelectPrimitive.Content
        position={position}
        sideOffset={4}
        className={cn(
          "z-50 max-h-(--radix-select-content-available-height) min-w-(--radix-select-trigger-width) overflow-hidden rounded-lg border border-zinc-200 bg-white text-sm text-zinc-900 shadow-lg",
          "data-[state=open]:animate-[fade-in_120ms_ease-out]",
          className,
        )}
        {...props}
      >
        <SelectPrimitive.Viewport className="p-1">{children}</SelectPrimitive.Viewport>
      </SelectPrimitive.Content>
    </SelectPrimitive.Portal>
  );
}

export function SelectMenuLabel({ className, ...props }: ComponentProps<typeof SelectPrimitive.Label>) {
  return <SelectPrimitive.Label className={cn("px-2 py-1.5 text-xs font-medium text-zinc-500", className)} {...props} />;
}

export function SelectMenuItem({ className, children, ...props }: ComponentProps<typeof SelectPrimitive.Item>) {
  return (
    <SelectPrimitive.Item
      className={cn(
        "relative flex cursor-default items-center gap-2 rounded-md py-1.5 pr-2 pl-7 outline-none select-none",
        "data-disabled:pointer-events-none data-disabled:opacity-50 data-highlighted:bg-zinc-100",
        className,
      )}
      {...props}
    >
      <span className="absolute left-2 inline-flex size-3.5 items-center justify-center">
        <SelectPrimitive.ItemIndicator>
          <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-3.5">
            <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
          </svg>
        </SelectPrimitive.ItemIndicator>
      </span>
      <SelectPrimitive.ItemText>{children}</SelectPrimitive.ItemText>
    </SelectPrimitive.Item>
  );
}

export function SelectMenuSeparator({ className, ...props }: ComponentProps<typeof SelectPrimitive.Separator>) {
  return <SelectPrimitive.Separator className={cn("-mx-1 my-1 h-px bg-zinc-200", className)} {...props} />;
}
