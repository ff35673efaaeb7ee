"use client";

import { useId, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { isTooLong, LengthCounter } from "./length-counter";

interface ComposerProps {
  /** Sends the text; returns false when it was not sent (the text stays in the box). */
  onSend: (text: string) => boolean;
  onStop: () => void;
  /** An answer is on its way: Stop instead of Send. */
  busy: boolean;
  /** Why nothing can be sent right now (no model available…), or null. */
  blockedReason: string | null;
  /** The model and assistant pickers. */
  pickers: ReactNode;
}

/** Type a message: Enter sends, Shift+Enter starts a new line. */
export function Composer({ onSend, onStop, busy, blockedReason, pickers }: ComposerProps) {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const tooLong = isTooLong(text);
  const canSend = !busy && !blockedReason && text.trim().length > 0 && !tooLong;

  function submit() {
    if (!canSend) return;
    if (onSend(text.trim())) setText("");
    input.current?.focus();
  }

  return (
    <form
      className="mx-auto w-full max-w-3xl rounded-xl border border-zinc-200 bg-white p-2 shadow-sm focus-within:border-brand-500"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      data-testid="composer"
    >
      <label htmlFor={`${hintId}-input`} className="sr-only">
        Message
      </label>
      <textarea
        id={`${hintId}-input`}
        ref={input}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            submit();
          }
        }}
        rows={2}
        placeholder={blockedReason ?? "Type a message…"}
        aria-describedby={hintId}
        aria-invalid={tooLong || undefined}
        className="field-sizing-content max-h-60 min-h-12 w-full resize-none bg-transparent px-2 py-1.5 text-sm placeholder:text-zinc-400 focus:outline-none"
        data-testid="composer-input"
        // Esc here stops a streaming answer (see isEscapeForPage); other text fields keep their Esc.
        data-page-escape=""
      />
      <div className="flex flex-wrap items-center gap-2 px-1 pt-1">
        {pickers}
        <span id={hintId} className="ml-auto flex items-center gap-3">
          <LengthCounter length={text.length} />
          <span className="hidden text-xs text-zinc-500 sm:inline">Enter to send · Shift+Enter for a new line</span>
        </span>
        {busy ? (
          <Button variant="secondary" className="h-8 px-3" onClick={onStop} data-testid="stop">
            <span className="inline-block size-2.5 rounded-[2px] bg-zinc-800" aria-hidden />
            Stop
          </Button>
        ) : (
          <Button type="submit" className="h-8 px-3" disabled={!canSend} data-testid="send">
            Send
          </Button>
        )}
      </div>
    </form>
  );
}
