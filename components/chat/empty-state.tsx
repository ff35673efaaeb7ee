import Link from "next/link";

/** What a new chat says before the first message. */
export function EmptyState({ noModels }: { noModels: boolean }) {
  if (noModels) {
    return (
      <div className="mx-auto mt-12 max-w-md rounded-xl border border-dashed border-zinc-300 bg-white p-6 text-center" data-testid="no-models">
        <h2 className="font-semibold">No models to chat with yet</h2>
        <p className="mt-2 text-sm text-zinc-600">
          Add a provider key in Settings first. Your key is only used for your own requests, and every answer shows what it cost.
        </p>
        <Link
          href="/settings?tab=keys"
          className="mt-4 inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700"
          data-testid="add-key-link"
        >
          Add a provider key in Settings
        </Link>
      </div>
    );
  }
  return (
    <div className="mx-auto mt-12 max-w-md text-center" data-testid="chat-empty">
      <h2 className="font-semibold">Start a conversation</h2>
      <ol className="mt-3 space-y-1 text-sm text-zinc-600">
        <li>1. Pick a model below (and an assistant, if you like).</li>
        <li>2. Type a message and press Enter.</li>
        <li>3. Under each answer you see its tokens and what it cost; the total is at the top.</li>
      </ol>
    </div>
  );
}
