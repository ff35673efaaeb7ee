"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import dynamic from "next/dynamic";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { cn } from "@/lib/cn";
import { formatPerMTok } from "@/lib/money";
import type { LockedModelGroup, ModelGroup, ModelOption } from "@/lib/providers/model-catalog";
import { parseModelRef } from "@/lib/providers/model-ref";
import { useModels } from "./use-chat-data";

// The searchable list (cmdk) is loaded when the picker is first opened, or pointed at, not with the page.
const loadList = () => import("./model-picker-list");
const ModelPickerList = dynamic(() => loadList().then((m) => m.ModelPickerList), {
  loading: () => <p className="p-3 text-sm text-zinc-600">Loading models…</p>,
});

/** "$0.15 in · $0.6 out" per 1M tokens, or "price unknown". */
export function modelPriceLabel(model: ModelOption): string {
  return model.price ? `${formatPerMTok(model.price.input)} in · ${formatPerMTok(model.price.output)} out` : "price unknown";
}

/** The first model the user can pick (when neither the conversation nor the settings name one). */
export function firstModelRef(groups: ModelGroup[] | undefined): string | null {
  return groups?.flatMap((group) => group.models)[0]?.ref ?? null;
}

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
            onPointerEnter={() => void loadList()}
            onFocus={() => void loadList()}
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
          <ModelPickerList
            listId={listId}
            groups={groups}
            lockedGroups={lockedGroups}
            value={value}
            current={current}
            noneLabel={noneLabel}
            onChoose={choose}
            onAddKey={() => {
              setOpen(false);
              router.push("/settings?tab=keys");
            }}
          />
        </PopoverContent>
      </Popover>
    </>
  );
}
