import { formatTokens } from "@/lib/chat/client-format";
import { formatUsd } from "@/lib/money";
import { HistoryButton } from "./history-drawer";

interface ChatHeaderProps {
  title: string;
  /** Everything the conversation cost (lib/chat/conversation-total.ts), answers replaced by Regenerate included. */
  costNano: number;
  /** The part of `costNano` spent on answers no longer shown. */
  replacedCostNano: number;
  tokens: number;
  hasUnpriced: boolean;
}

/** The conversation's title and what it has cost so far: every call paid for, and how much went to replaced answers. */
export function ChatHeader({ title, costNano, replacedCostNano, tokens, hasUnpriced }: ChatHeaderProps) {
  return (
    <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 border-b border-zinc-200 pb-3">
      <div className="flex max-w-full min-w-0 items-baseline gap-2">
        <HistoryButton />
        <h1 className="min-w-0 truncate text-lg font-semibold tracking-tight" title={title} data-testid="conversation-title">
          {title}
        </h1>
      </div>
      <p className="text-sm text-zinc-600">
        Total{" "}
        <span className="font-semibold text-zinc-900 tabular-nums" data-testid="conversation-total">
          {formatUsd(costNano)}
        </span>
        {replacedCostNano > 0 ? (
          <span
            className="tabular-nums"
            title="Answers replaced by Regenerate or by editing a message were paid for: they stay in the total."
            data-testid="conversation-replaced"
          >
            {" "}
            (incl. {formatUsd(replacedCostNano)} for replaced answers)
          </span>
        ) : null}
        <span className="tabular-nums"> · {formatTokens(tokens)} tokens</span>
        {hasUnpriced ? (
          <span className="ml-2 rounded bg-amber-50 px-1 text-xs font-medium text-amber-800" title="Some answers used a model without a known price; their cost is not included.">
            some unpriced
          </span>
        ) : null}
      </p>
    </header>
  );
}
