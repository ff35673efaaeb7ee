import { MAX_MESSAGE_CHARS } from "@/lib/chat/contract";
import { cn } from "@/lib/cn";
import { formatTokens } from "@/lib/chat/client-format";

/** Past 90% of the limit, shows "31,000 / 32,000" (red once over); nothing before that. */
export function LengthCounter({ length, id }: { length: number; id?: string }) {
  if (length < MAX_MESSAGE_CHARS * 0.9) return null;
  const over = length > MAX_MESSAGE_CHARS;
  return (
    <span id={id} className={cn("text-xs tabular-nums", over ? "font-medium text-red-600" : "text-zinc-500")} data-testid="length-counter" aria-live="polite">
      {formatTokens(length)} / {formatTokens(MAX_MESSAGE_CHARS)} characters{over ? " — too long to send" : ""}
    </span>
  );
}

export function isTooLong(text: string): boolean {
  return text.length > MAX_MESSAGE_CHARS;
}
