import { CopyButton } from "@/components/ui/copy-button";
import { SCOPE_INFO } from "@/lib/api-tokens/scopes";
import type { Snippet } from "@/lib/connect/snippets";

/** One copy-paste snippet: what it is for, the code (dark in both themes) and a copy button that copies exactly it. */
export function SnippetCard({ snippet }: { snippet: Snippet }) {
  const headingId = `snippet-${snippet.id}-title`;
  return (
    <section aria-labelledby={headingId} className="space-y-2" data-testid={`snippet-${snippet.id}`}>
      <div>
        <h3 id={headingId} className="text-sm font-semibold text-zinc-900">
          {snippet.title}
        </h3>
        <p className="text-xs text-zinc-600">
          {snippet.description} <span className="text-zinc-500">Token scope: {SCOPE_INFO[snippet.scope].label}.</span>
        </p>
      </div>
      <div className="overflow-hidden rounded-lg border border-[#30363d] bg-[#0d1117]">
        <div className="flex items-center justify-between border-b border-[#30363d] px-3 py-1 text-xs text-[#9198a1]">
          <span className="font-mono">{snippet.language}</span>
          <CopyButton
            getText={() => snippet.code}
            aria-label={`Copy: ${snippet.title}`}
            className="text-[#c9d1d9] hover:bg-[#21262d] hover:text-[#f0f6fc]"
            data-testid={`copy-${snippet.id}`}
          />
        </div>
        <pre className="overflow-x-auto p-3 font-mono text-[13px] leading-relaxed text-[#e6edf3]" tabIndex={0} aria-label={snippet.title} data-testid="snippet-code">
          <code>{snippet.code}</code>
        </pre>
      </div>
    </section>
  );
}
