"use client";

import { Select } from "@/components/ui/select";
import type { AssistantView } from "@/lib/chat/contract";

interface AssistantPickerProps {
  assistants: AssistantView[] | undefined;
  value: string | null;
  onChange: (assistant: AssistantView | null) => void;
  disabled?: boolean;
}

/** Chat with one of the user's assistants (its system prompt; its preferred model is preselected). */
export function AssistantPicker({ assistants, value, onChange, disabled }: AssistantPickerProps) {
  const known = assistants?.some((assistant) => assistant.id === value) ?? false;
  return (
    <Select
      aria-label="Assistant"
      value={value ?? ""}
      onChange={(event) => onChange(assistants?.find((assistant) => assistant.id === event.target.value) ?? null)}
      disabled={disabled}
      className="h-8 w-auto max-w-48 text-xs"
      data-testid="assistant-picker"
    >
      <option value="">No assistant</option>
      {value !== null && !known ? <option value={value}>{assistants === undefined ? "Loading…" : "(deleted assistant)"}</option> : null}
      {assistants?.map((assistant) => (
        <option key={assistant.id} value={assistant.id}>
          {assistant.name}
        </option>
      ))}
    </Select>
  );
}
