"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Command, CommandEmpty, CommandGroup, CommandInput, CommandItem, CommandList } from "@/components/ui/command";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { cn } from "@/lib/cn";
import { formatPerMTok } from "@/lib/money";
import type { LockedModelGroup, ModelGroup, ModelOption } from "@/lib/providers/model-catalog";
import { parseModelRef } from "@/lib/providers/model-ref";
import { useModels } from "./use-chat-data";

/** "$0.15 in · $0.6 out" per 1M tokens, or "price unknown". */
export function modelPriceLabel(model: ModelOption): string {
  return model.price ? `${formatPerMTok(model.price.input)} in · ${formatPerMTok(model.price.output)} out` : "price unknown";
}

/** The first model the user can pick (when neither the conversation nor the settings name one). */
export function firstModelRef(groups: ModelGroup[] | undefined): string | null {
  return groups?.flatMap((group) => group.models)[0]?.ref ?? null;
}

/** cmdk needs a non-empty value for the "none" choice. */
const NONE = "__none__";

const groupKey = (group: { provider: string; endpointId?: string }) => `${group.provider}:${group.endpointId ?? ""}`;

interface ModelPickerProps {
  /** The models the user can pick; undefined while loading. */
  groups: ModelGroup[] | undefined;
  /** Providers without a key, shown greyed; by default read from /api/models. */
  locked?: LockedModelGroup[];
  value: string | null;
  onChange: (ref: string) => void;
  disabled?: boolean;
  /** The trigger's id, for a `<label htmlFor>`; without one, give `aria-label`. */
  id?: string;
  "aria-label"?: string;
  "aria-invalid"?: boolean;
  /** Set in forms posted to a server action: a hidden input of that name carries the value. */
  name?: string;
  /** An extra first choice with the value "" (e.g. "Your default model"). */
  noneLabel?: string;
  size?: "sm" | "md";
  className?: string;
  "data-testid"?: string;
}

function Chevron() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-4 shrink-0 text-zinc-500">
      <path d="M5.2 7.2a.75.75 0 0 1 1.06 0L10 10.94l3.74-3.74a.75.75 0 1 1 1.06 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0L5.2 8.26a.75.75 0 0 1 0-1.06Z" />
    </svg>
  );
}

function Check({ shown }: { shown: boolean }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className={cn("size-3.5 shrink-0", shown ? "opacity-100" : "opacity-0")}>
      <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
    </svg>
  );
}

function ModelRow({ model, selected }: { model: ModelOption; selected: boolean }) {
  return (
    <>
      <Check shown={selected} />
      <span className="min-w-0 flex-1 truncate">{model.modelId}</span>
      <span className="shrink-0 text-xs text-zinc-600 tabular-nums">{modelPriceLabel(model)}</span>
    </>
  );
}

/**
 * The one model picker (chat, default model, assistants): a searchable list grouped by provider, each model with its
 * input/output price per 1M tokens; providers without a key are greyed with a way to add one.
 */
export function ModelPicker({
  groups,
  locked,
  value,
  onChange,
  disabled,
  id,
  name,
  noneLabel,
  size = "md",
  className,
  ...aria
}: ModelPickerProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const models = useModels();
  // The list from /api/models may be older than `groups` (a key added since): never grey a provider that has one.
  const lockedGroups = (locked ?? models.data?.locked ?? []).filter((lock) => !groups?.some((group) => group.provider === lock.provider));
  const listId = useId();

  const current = groups?.flatMap((group) => group.models).find((model) => model.ref === value);
  const shown =
    value === null || value === ""
      ? (noneLabel ?? (groups === undefined ? "Loading models…" : "Choose a model…"))
      : current
        ? current.modelId
        : `${parseModelRef(value)?.modelId ?? value} (not available)`;

  function choose(ref: string) {
    onChange(ref);
    setOpen(false);
  }

  return (
    <>
      {name ? <input type="hidden" name={name} value={value ?? ""} /> : null}
      <Popover open={open} onOpenChange={setOpen}>
        <PopoverTrigger asChild>
          <button
            type="button"
            id={id}
            role="combobox"
            aria-expanded={open}
            aria-haspopup="listbox"
            aria-controls={open ? listId : undefined}
            aria-label={aria["aria-label"]}
            aria-invalid={aria["aria-invalid"] || undefined}
            disabled={disabled || groups === undefined}
            data-testid={aria["data-testid"]}
            data-value={value ?? ""}
            className={cn(
              "inline-flex min-w-0 items-center justify-between gap-2 rounded-md border border-zinc-300 bg-white text-left shadow-xs",
              "focus-visible:border-brand-500 focus-visible:outline-2 focus-visible:outline-brand-100 disabled:cursor-not-allowed disabled:opacity-60 aria-invalid:border-red-500",
              size === "sm" ? "h-8 max-w-56 px-2 text-xs" : "h-9 w-full px-3 text-sm",
              className,
            )}
          >
            <span className={cn("truncate", current || value ? "" : "text-zinc-600")}>{shown}</span>
            <Chevron />
          </button>
        </PopoverTrigger>
        <PopoverContent className="w-[min(26rem,calc(100vw-2rem))] p-0" data-testid="model-picker-list">
          <Command defaultValue={value || NONE} label="Search models">
            <CommandInput placeholder="Search models…" />
            <CommandList id={listId}>
              <CommandEmpty>No model matches.</CommandEmpty>
              {noneLabel !== undefined ? (
                <CommandGroup>
                  <CommandItem value={NONE} keywords={[noneLabel]} onSelect={() => choose("")} data-testid="model-option-none">
                    <Check shown={!value} />
                    <span className="truncate">{noneLabel}</span>
                  </CommandItem>
                </CommandGroup>
              ) : null}
              {value && !current ? (
                <CommandGroup heading="Not available any more">
                  <CommandItem value={value} disabled>
                    <Check shown />
                    <span className="truncate">{parseModelRef(value)?.modelId ?? value}</span>
                  </CommandItem>
                </CommandGroup>
              ) : null}
              {groups?.map((group) => (
                <CommandGroup
                  key={groupKey(group)}
                  heading={`${group.label}${group.keySource === "system" ? " (shared key)" : ""} · per 1M tokens`}
                >
                  {group.models.map((model) => (
                    <CommandItem
                      key={model.ref}
                      value={model.ref}
                      keywords={[model.modelId, group.label]}
                      onSelect={() => choose(model.ref)}
                      data-testid="model-option"
                      data-model={model.ref}
                    >
                      <ModelRow model={model} selected={model.ref === value} />
                    </CommandItem>
                  ))}
                </CommandGroup>
              ))}
              {lockedGroups.map((group) => (
                <CommandGroup key={`locked:${group.provider}`} heading={`${group.label} · no key`}>
                  <CommandItem
                    value={`add-key:${group.provider}`}
                    keywords={[group.label, "add key"]}
                    onSelect={() => {
                      setOpen(false);
                      router.push("/settings?tab=keys");
                    }}
                    className="text-brand-700"
                    data-testid="model-add-key"
                  >
                    Add a key for {group.label} →
                  </CommandItem>
                  {group.models.map((model) => (
                    <CommandItem
                      key={model.ref}
                      value={model.ref}
                      keywords={[model.modelId, group.label]}
                      disabled
                      aria-disabled
                      className="opacity-70"
                      data-testid="model-option-locked"
                    >
                      <ModelRow model={model} selected={false} />
                    </CommandItem>
                  ))}
                </CommandGroup>
              ))}
            </CommandList>
          </Command>
        </PopoverContent>
      </Popover>
    </>
  );
}
