import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";

/** A dashboard section: a titled card whose body dims (and says so to screen readers) while newer numbers load. */
export function Panel({
  id,
  title,
  description,
  actions,
  busy = false,
  className,
  bodyClassName,
  children,
  ...rest
}: {
  id?: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  busy?: boolean;
  className?: string;
  bodyClassName?: string;
  children: ReactNode;
  "data-testid"?: string;
}) {
  const headingId = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section
      id={id}
      aria-labelledby={headingId}
      aria-busy={busy || undefined}
      className={cn("min-w-0 rounded-xl border border-zinc-200 bg-white shadow-sm", className)}
      data-testid={rest["data-testid"]}
    >
      <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-5 pt-4">
        <div className="min-w-0">
          <h2 id={headingId} className="text-sm font-semibold text-zinc-900">
            {title}
          </h2>
          {description ? <p className="mt-0.5 text-xs text-zinc-500">{description}</p> : null}
        </div>
        {actions}
      </header>
      <div className={cn("px-5 pt-3 pb-5 transition-opacity duration-200", busy && "opacity-60", bodyClassName)}>{children}</div>
    </section>
  );
}

/** A grey placeholder block while data loads; the label is for screen readers. */
export function Skeleton({ className, label }: { className?: string; label?: string }) {
  return (
    <div role={label ? "status" : undefined} aria-live={label ? "polite" : undefined} className={cn("animate-pulse rounded-md bg-zinc-100", className)}>
      {label ? <span className="sr-only">{label}</span> : null}
    </div>
  );
}

/** What went wrong loading one panel, and a Retry for just that panel. */
export function PanelError({ error, onRetry, compact = false }: { error: Error; onRetry: () => void; compact?: boolean }) {
  return (
    <div
      role="alert"
      className={cn(
        "flex flex-wrap items-center justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800",
        !compact && "min-h-20",
      )}
      data-testid="panel-error"
    >
      <p>{error.message || "Could not load this."}</p>
      <Button variant="secondary" className="h-8 px-3" onClick={onRetry} data-testid="panel-retry">
        Retry
      </Button>
    </div>
  );
}

/** A quiet line for a panel with nothing in it. */
export function EmptyNote({ children }: { children: ReactNode }) {
  return <p className="flex min-h-20 items-center justify-center rounded-md border border-dashed border-zinc-200 px-4 py-6 text-center text-sm text-zinc-500">{children}</p>;
}

/** A group of toggle buttons (stack by provider / model) or, with role "tablist", of tabs (breakdown dimensions). */
export function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  testIdPrefix,
  role = "group",
}: {
  label: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  testIdPrefix: string;
  role?: "group" | "tablist";
}) {
  const tabs = role === "tablist";
  return (
    <div role={role} aria-label={label} className="inline-flex max-w-full flex-wrap rounded-lg bg-zinc-100 p-0.5">
      {options.map((option) => {
        const selected = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            role={tabs ? "tab" : undefined}
            aria-selected={tabs ? selected : undefined}
            aria-pressed={tabs ? undefined : selected}
            onClick={() => onChange(option.value)}
            data-testid={`${testIdPrefix}-${option.value}`}
            className={cn(
              "rounded-md px-2.5 py-1 text-xs font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-brand-500",
              selected ? "bg-white text-zinc-900 shadow-sm" : "text-zinc-600 hover:text-zinc-900",
            )}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
