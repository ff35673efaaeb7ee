"use client";

import { memo, type ComponentProps } from "react";
import ReactMarkdown, { type Components, type ExtraProps, type Options } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";

// No typography plugin here: the few rules an answer needs, scoped to the answer.
const PROSE = [
  "text-sm leading-relaxed text-zinc-900 wrap-anywhere",
  "[&>*:first-child]:mt-0 [&>*:last-child]:mb-0",
  "[&_p]:my-2",
  "[&_ul]:my-2 [&_ul]:list-disc [&_ul]:pl-5 [&_ol]:my-2 [&_ol]:list-decimal [&_ol]:pl-5 [&_li]:my-0.5",
  "[&_h1]:mt-4 [&_h1]:mb-2 [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:mt-4 [&_h2]:mb-2 [&_h2]:text-base [&_h2]:font-semibold",
  "[&_h3]:mt-3 [&_h3]:mb-1 [&_h3]:font-semibold [&_h4]:mt-3 [&_h4]:mb-1 [&_h4]:font-medium",
  "[&_a]:text-brand-600 [&_a]:underline [&_a]:underline-offset-2",
  "[&_blockquote]:my-2 [&_blockquote]:border-l-2 [&_blockquote]:border-zinc-300 [&_blockquote]:pl-3 [&_blockquote]:text-zinc-600",
  "[&_:not(pre)>code]:rounded [&_:not(pre)>code]:bg-zinc-100 [&_:not(pre)>code]:px-1 [&_:not(pre)>code]:py-0.5 [&_:not(pre)>code]:font-mono [&_:not(pre)>code]:text-[0.85em]",
  "[&_table]:w-full [&_table]:border-collapse [&_table]:text-left [&_th]:border-b [&_th]:border-zinc-300 [&_th]:px-2 [&_th]:py-1 [&_th]:font-semibold",
  "[&_td]:border-b [&_td]:border-zinc-100 [&_td]:px-2 [&_td]:py-1 [&_hr]:my-4 [&_hr]:border-zinc-200",
].join(" ");

/** react-markdown passes its syntax-tree node along; it must not reach the DOM. */
function domProps<P extends ExtraProps>(props: P): Omit<P, "node"> {
  const rest = { ...props };
  delete rest.node;
  return rest;
}

function Anchor(props: ComponentProps<"a"> & ExtraProps) {
  return <a {...domProps(props)} target="_blank" rel="noopener noreferrer" />;
}

function Table(props: ComponentProps<"table"> & ExtraProps) {
  return (
    <div className="my-2 overflow-x-auto">
      <table {...domProps(props)} />
    </div>
  );
}

const components: Components = { pre: CodeBlock, a: Anchor, table: Table };

const remarkPlugins: Options["remarkPlugins"] = [remarkGfm];
const rehypePlugins: Options["rehypePlugins"] = [[rehypeHighlight, { detect: false }]];

/**
 * An answer's markdown (GFM, highlighted code). Raw HTML in the text is shown as text, never rendered. Loaded apart
 * from the chat's first JS (see markdown.tsx): react-markdown, remark-gfm and highlight.js are ~105 kB gzipped.
 */
const MarkdownContent = memo(function MarkdownContent({ text }: { text: string }) {
  return (
    <div className={PROSE}>
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});

export default MarkdownContent;
