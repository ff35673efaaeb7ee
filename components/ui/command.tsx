"use client";

import { Command as CommandPrimitive } from "cmdk";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "./dialog";

/**
 * A filterable list of actions (cmdk): type to filter, arrows move, Enter runs. Used inline (the model picker's
 * popover) or in a dialog (the command palette).
 */
export function Command({ className, ...props }: ComponentProps<typeof CommandPrimitive>) {
  return <CommandPrimitive className={cn("flex h-full w-full flex-col overflow-hidden bg-white text-sm text-zinc-900", className)} {...props} />;
}

interface CommandDialogProps extends ComponentProps<typeof Dialog> {
  title: string;
  description: string;
  children: ReactNode;
  /** Passed to cmdk (e.g. a label, or `shouldFilter`). */
  commandProps?: ComponentProps<typeof CommandPrimitive>;
  contentClassName?: string;
  "data-testid"?: string;
  /** Where focus goes when the dialog closes (a dialog opened without a Radix trigger has none of its own). */
  returnFocusTo?: () => HTMLElement | null;
}

/** The command list inside the app's Radix dialog: focus trapped, Esc closes, focus returns to where it was. */
export function CommandDialog({ title, description, children, commandProps, contentClassName, "data-testid": testId, returnFocusTo, ...props }: CommandDialogProps) {
  const onCloseAutoFocus = returnFocusTo
    ? (event: Event) => {
        const target = returnFocusTo();
        if (!target?.isConnected) return;
        event.preventDefault();
        target.focus();
      }
    : undefined;
  return (
    <Dialog {...props}>
      <DialogContent
        className={cn("top-[15vh] max-w-xl translate-y-0 gap-0 overflow-hidden p-0", contentClassName)}
        data-testid={testId}
        onCloseAutoFocus={onCloseAutoFocus}
      >
        <DialogTitle className="sr-only">{title}</DialogTitle>
        <DialogDescription className="sr-only">{description}</DialogDescription>
        <Command label={title} {...commandProps}>
          {children}
        </Command>
      </DialogContent>
    </Dialog>
  );
}

export function CommandInput({ className, ...props }: ComponentProps<typeof CommandPrimitive.Input>) {
  return (
    <div className="flex items-center gap-2 border-b border-zinc-200 px-3" cmdk-input-wrapper="">
      <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-4 shrink-0 text-zinc-500">
        <path
          fillRule="evenodd"
          d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.08 3.08a.75.75 0 1 1-1.06 1.06l-3.08-3.08A7 7 0 0 1 2 9Z"
          clipRule="evenodd"
        />
      </svg>
      <CommandPrimitive.Input
        className={cn("h-11 w-full min-w-0 bg-transparent text-sm outline-none placeholder:text-zinc-500 disabled:opacity-50", className)}
        {...props}
      />
    </div>
  );
}

export function CommandList({ className, ...props }: ComponentProps<typeof CommandPrimitive.List>) {
  return <CommandPrimitive.List className={cn("max-h-80 scroll-py-1 overflow-x-hidden overflow-y-auto p-1", className)} {...props} />;
}

export function CommandEmpty({ className, ...props }: ComponentProps<typeof CommandPrimitive.Empty>) {
  return <CommandPrimitive.Empty className={cn("py-6 text-center text-sm text-zinc-600", className)} {...props} />;
}

export function CommandLoading(props: ComponentProps<typeof CommandPrimitive.Loading>) {
  return <CommandPrimitive.Loading {...props} />;
}

export function CommandGroup({ className, ...props }: ComponentProps<typeof CommandPrimitive.Group>) {
  return (
    <CommandPrimitive.Group
      className={cn(
        "overflow-hidden p-1 text-zinc-900 [&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:py-1.5 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-zinc-600",
        className,
      )}
      {...props}
    />
  );
}

export function CommandSeparator({ className, ...props }: ComponentProps<typeof CommandPrimitive.Separator>) {
  return <CommandPrimitive.Separator className={cn("-mx-1 my-1 h-px bg-zinc-200", className)} {...props} />;
}

export function CommandItem({ className, ...props }: ComponentProps<typeof CommandPrimitive.Item>) {
  return (
    <CommandPrimitive.Item
      className={cn(
        "relative flex cursor-default items-center gap-2 rounded-md px-2 py-1.5 outline-none select-none",
        "data-[disabled=true]:cursor-not-allowed data-[disabled=true]:text-zinc-500 data-[selected=true]:bg-zinc-100",
        className,
      )}
      {...props}
    />
  );
}

/** A keyboard shortcut shown at the end of an item, e.g. `⌘⇧O`. */
export function CommandShortcut({ className, ...props }: ComponentProps<"kbd">) {
  return <kbd className={cn("ml-auto font-sans text-xs tracking-widest text-zinc-500", className)} {...props} />;
}
