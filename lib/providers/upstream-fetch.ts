import { markTiming } from "@/lib/http/server-timing";

/**
 * The fetch model calls go through. Next.js wraps the global fetch in route handlers (caching, deduplication,
 * tracing); a call to a model provider is never cached, so it goes straight to the fetch Next.js wrapped.
 */
export const upstreamFetch: typeof fetch = (input, init) => {
  const current = globalThis.fetch as typeof fetch & { _nextOriginalFetch?: typeof fetch };
  markTiming("before-upstream");
  return (current._nextOriginalFetch ?? current)(input, init).then((response) => {
    markTiming("upstream-headers");
    return response;
  });
};
