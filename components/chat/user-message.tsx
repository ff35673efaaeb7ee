"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { messageText, type ChatUIMessage } from "@/lib/chat/client-messages";
import { isTooLong, LengthCounter } from "./length-counter";

interface UserMessageProps {
  message: ChatUIMessage;
  /** Set on the last user message while nothing is streaming: edit it and resend. */
  onEdit?: (text: string) => void;
}

export function UserMessage({ message, onEdit }: UserMessageProps) {
  const text = messageText(message);
  const [draft, setDraft] = useState<string | null>(null);
  const counterId = useId();
  const editing = draft !== null && onEdit !== undefined;
  const canSave = editing && draft.trim().length > 0 && !isTooLong(draft);

  function save() {
    if (!canSave || !onEdit) return;
    onEdit(draft.trim());
    setDraft(null);
  }

  return (
    <li className="flex flex-col items-end" data-testid="message-user" data-message-id={message.id}>
      {editing ? (
        <div className="w-full max-w-[85%] space-y-2 rounded-2xl border border-brand-100 bg-white p-3 shadow-sm">
          <label htmlFor={`${counterId}-edit`} className="sr-only">
            Edit your message
          </label>
          <textarea
            id={`${counterId}-edit`}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") setDraft(null);
              if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                save();
              }
            }}
            aria-describedby={counterId}
            autoFocus
            rows={3}
            className="field-sizing-content max-h-64 min-h-20 w-full resize-none rounded-md border border-zinc-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-2 focus:outline-brand-100"
            data-testid="edit-input"
          />
          <div className="flex items-center justify-end gap-2">
            <LengthCounter length={draft.length} id={counterId} />
            <Button variant="ghost" className="h-8 px-3" onClick={() => setDraft(null)} data-testid="edit-cancel">
              Cancel
            </Button>
            <Button className="h-8 px-3" onClick={save} disabled={!canSave} data-testid="edit-save">
              Save &amp; resend
            </Button>
          </div>
        </div>
      ) : (
        <>
          <div className="max-w-[85%] min-w-0 rounded-2xl rounded-br-sm bg-brand-600 px-4 py-2 text-sm whitespace-pre-wrap wrap-anywhere text-white">{text}</div>
          {onEdit ? (
            <button
              type="button"
              onClick={() => setDraft(text)}
              className="mt-1 rounded px-1.5 py-0.5 text-xs font-medium text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-brand-500"
              data-testid="edit-last"
            >
              Edit
            </button>
          ) : null}
        </>
      )}
    </li>
  );
}
