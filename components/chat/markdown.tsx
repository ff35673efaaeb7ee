"use client";

import { lazy, memo, Suspense } from "react";

/**
 * The markdown renderer (markdown-content.tsx) is its own chunk, so it is not part of /chat's first-load JS; it is
 * fetched once the browser is idle after the page has loaded, so it is usually there before the first answer. Until
 * then an answer shows as plain text, with the same size and wrapping.
 */
const load = () => import("./markdown-content");
const MarkdownContent = lazy(load);
if (typeof window !== "undefined") {
  const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 200));
  idle(() => void load());
}

/** An answer's markdown (GFM, highlighted code). Raw HTML in the text is shown as text, never rendered. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<div className="text-sm leading-relaxed whitespace-pre-wrap text-zinc-900 wrap-anywhere">{text}</div>}>
      <MarkdownContent text={text} />
    </Suspense>
  );
});
