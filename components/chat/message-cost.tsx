import { Fragment } from "react";
import { costLineParts } from "@/lib/chat/client-format";
import type { ChatMessageMetadata } from "@/lib/chat/contract";
import { cn } from "@/lib/cn";

const MARKER_HINTS: Record<string, string> = {
  estimated: "Some tokens were counted here because the provider did not report them (a stopped or failed answer).",
  unpriced: "The price of this model is unknown, so its cost is not included.",
  stopped: "You stopped this answer; what was generated until then is charged.",
  failed: "The provider failed during this answer; what was generated until then is charged.",
};

/** "1,234 in · 56 out · $0.0012 · 200 cached · estimated" under a finished answer, and the model that wrote it. */
export function MessageCost({ metadata }: { metadata: ChatMessageMetadata | undefined }) {
  const parts = costLineParts(metadata);
  if (parts.length === 0) return null;
  return (
    <div className="mt-2 flex flex-wrap items-baseline gap-x-2 text-xs text-zinc-500">
      <p data-testid="message-cost" className="tabular-nums">
        {parts.map((part, index) => (
          <Fragment key={`${index}-${part.text}`}>
            {index > 0 ? " · " : null}
            <span
              className={cn(part.marker && "rounded bg-amber-50 px-1 font-medium text-amber-800")}
              title={part.marker ? MARKER_HINTS[part.text] : undefined}
            >
              {part.text}
            </span>
          </Fragment>
        ))}
      </p>
      {metadata?.model ? (
        <span className="font-mono text-zinc-500" data-testid="message-model">
          {metadata.model}
        </span>
      ) : null}
    </div>
  );
}
