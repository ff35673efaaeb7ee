"use client";

import { Select } from "@/components/ui/select";
import type { ModelGroup, ModelOption } from "@/lib/providers/model-catalog";
import { formatPerMTok } from "@/lib/money";
import { parseModelRef } from "@/lib/providers/model-ref";

function priceHint(model: ModelOption): string {
  return model.price ? `${formatPerMTok(model.price.input)} in / ${formatPerMTok(model.price.output)} out per 1M tokens` : "price unknown";
}

/** The first model the user can pick (when neither the conversation nor the settings name one). */
export function firstModelRef(groups: ModelGroup[] | undefined): string | null {
  return groups?.flatMap((group) => group.models)[0]?.ref ?? null;
}

interface ModelPickerProps {
  groups: ModelGroup[] | undefined;
  value: string | null;
  onChange: (ref: string) => void;
  disabled?: boolean;
}

/** The model for the next message, grouped by provider; the server remembers it on the conversation. */
export function ModelPicker({ groups, value, onChange, disabled }: ModelPickerProps) {
  const known = groups?.some((group) => group.models.some((model) => model.ref === value)) ?? false;
  return (
    <Select
      aria-label="Model"
      value={value ?? ""}
      onChange={(event) => onChange(event.target.value)}
      disabled={disabled || groups === undefined}
      className="h-8 w-auto max-w-56 text-xs"
      data-testid="model-picker"
    >
      {value === null ? (
        <option value="" disabled>
          {groups === undefined ? "Loading models…" : "Choose a model…"}
        </option>
      ) : null}
      {value !== null && !known ? <option value={value}>{`${parseModelRef(value)?.modelId ?? value} (not available)`}</option> : null}
      {groups?.map((group) => (
        <optgroup key={`${group.provider}:${group.endpointId ?? ""}`} label={`${group.label}${group.keySource === "system" ? " (shared key)" : ""}`}>
          {group.models.map((model) => (
            <option key={model.ref} value={model.ref} title={priceHint(model)}>
              {model.modelId}
            </option>
          ))}
        </optgroup>
      ))}
    </Select>
  );
}
