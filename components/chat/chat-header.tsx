import { formatTokens } from "@/lib/chat/client-format";
import { formatUsd } from "@/lib/money";
import { HistoryButton } from "./history-drawer";

interface ChatHeaderProps {
  title: string;
  costNano: number;
  tokens: number;
  hasUnpriced: boolean;
}

/** The conversation's title and what it has cost so far (the sum of its answers). */
export function ChatHeader({ title, costNano, tokens, hasUnpriced }: ChatHeaderProps) {
  return (
    <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 border-b border-zinc-200 pb-3">
      <div className="flex max-w-full min-w-0 items-baseline gap-2">
        <HistoryButton />
        <h1 className="min-w-0 truncate text-lg font-semibold tracking-tight" data-testid="conversation-title">
          {title}
        </h1>
      </div>
      <p className="text-sm text-zinc-600">
        Total{" "}
        <span className="font-semibold text-zinc-900 tabular-nums" data-testid="conversation-total">
          {formatUsd(costNano)}
        </span>
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
