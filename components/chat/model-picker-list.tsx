"use client";

import { Command, CommandEmpty, CommandGroup, CommandInput, CommandItem, CommandList } from "@/components/ui/command";
import { cn } from "@/lib/cn";
import type { LockedModelGroup, ModelGroup, ModelOption } from "@/lib/providers/model-catalog";
import { parseModelRef } from "@/lib/providers/model-ref";
import { modelPriceLabel } from "./model-picker";

/** cmdk needs a non-empty value for the "none" choice. */
const NONE = "__none__";

const groupKey = (group: { provider: string; endpointId?: string }) => `${group.provider}:${group.endpointId ?? ""}`;

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

interface ModelPickerListProps {
  listId: string;
  groups: ModelGroup[] | undefined;
  lockedGroups: LockedModelGroup[];
  value: string | null;
  /** The chosen model when it is still available. */
  current: ModelOption | undefined;
  noneLabel?: string;
  onChoose: (ref: string) => void;
  onAddKey: () => void;
}

/** The model picker's searchable list (components/chat/model-picker.tsx loads it on first open). */
export function ModelPickerList({ listId, groups, lockedGroups, value, current, noneLabel, onChoose: choose, onAddKey }: ModelPickerListProps) {
  return (
    <Command defaultValue={value || NONE} label="Search models">
      <CommandInput placeholder="Search models…" autoFocus />
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
              onSelect={onAddKey}
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
  );
}
