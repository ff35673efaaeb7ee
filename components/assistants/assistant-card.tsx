"use client";

import { useCallback, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { AssistantView } from "@/lib/chat/contract";
import type { ModelGroup } from "@/lib/providers/model-catalog";
import { AssistantForm } from "./assistant-form";
import { DeleteAssistantButton } from "./delete-assistant-button";

/** "openai:gpt-4o-mini" → "OpenAI · gpt-4o-mini", using the labels of the user's model groups where it is listed. */
function modelLabel(ref: string, groups: ModelGroup[]): string {
  for (const group of groups) {
    const model = group.models.find((m) => m.ref === ref);
    if (model) return `${group.label} · ${model.modelId}`;
  }
  return ref;
}

export interface AssistantCardProps {
  assistant: AssistantView;
  /** All of the user's assistants (to name the delegates and offer the others as delegates). */
  all: { id: string; name: string }[];
  groups: ModelGroup[];
  defaultModel: string | null;
}

export function AssistantCard({ assistant, all, groups, defaultModel }: AssistantCardProps) {
  const [editing, setEditing] = useState(false);
  const close = useCallback(() => setEditing(false), []);
  const names = new Map(all.map((a) => [a.id, a.name]));
  const delegates = assistant.delegateIds.map((id) => names.get(id)).filter((name): name is string => Boolean(name));
  return (
    <Card className="p-5" data-testid="assistant-card" data-assistant-name={assistant.name}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="font-semibold text-zinc-900" data-testid="assistant-card-name">
            {assistant.name}
          </h3>
          <p className="mt-0.5 text-sm text-zinc-600" data-testid="assistant-card-model">
            {assistant.preferredModel ? modelLabel(assistant.preferredModel, groups) : `Default model${defaultModel ? ` (${defaultModel})` : ""}`}
          </p>
        </div>
        <div className="flex items-center gap-1">
          <Button
            variant="ghost"
            className="h-8 px-2"
            aria-expanded={editing}
            onClick={() => setEditing((open) => !open)}
            data-testid="edit-assistant"
          >
            {editing ? "Close" : "Edit"}
          </Button>
          <DeleteAssistantButton assistantId={assistant.id} name={assistant.name} />
        </div>
      </div>
      {editing ? (
        <div className="mt-4 border-t border-zinc-100 pt-4">
          <AssistantForm
            assistant={assistant}
            groups={groups}
            others={all.filter((a) => a.id !== assistant.id)}
            defaultModel={defaultModel}
            onSaved={close}
            onCancel={close}
          />
        </div>
      ) : (
        <>
          <p className="mt-3 line-clamp-3 whitespace-pre-line text-sm text-zinc-700">{assistant.systemPrompt}</p>
          <div className="mt-3 flex flex-wrap items-center gap-1.5 text-xs text-zinc-500" data-testid="assistant-card-delegates">
            {delegates.length === 0 ? (
              "Works alone (no delegates)"
            ) : (
              <>
                <span>Delegates to</span>
                {delegates.map((name) => (
                  <Badge key={name} tone="blue">
                    {name}
                  </Badge>
                ))}
              </>
            )}
          </div>
        </>
      )}
    </Card>
  );
}
