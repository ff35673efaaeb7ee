import { Button } from "@/components/ui/button";

/** The last message has no answer (it was stopped before the first word, or failed on an earlier visit). */
export function UnansweredNotice({ onAnswer }: { onAnswer: () => void }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600" data-testid="unanswered">
      <p>This message has no answer yet.</p>
      <Button variant="secondary" className="h-8 px-3" onClick={onAnswer} data-testid="answer-now">
        Get an answer
      </Button>
    </div>
  );
}
