"use client";

import { useRef, type ComponentProps } from "react";
import type { ExtraProps } from "react-markdown";
import { cn } from "@/lib/cn";
import { CopyButton } from "@/components/ui/copy-button";

function languageOf(node: ExtraProps["node"]): string | null {
  const code = node?.children.find((child) => child.type === "element" && child.tagName === "code");
  if (!code || code.type !== "element") return null;
  const classes = code.properties.className;
  const list = Array.isArray(classes) ? classes.map(String) : [String(classes ?? "")];
  const language = list.find((name) => name.startsWith("language-"));
  return language ? language.slice("language-".length) : null;
}

/** A fenced code block of an answer (highlighted by rehype-highlight), with its language and a copy button. */
export function CodeBlock({ node, className, children, ...props }: ComponentProps<"pre"> & ExtraProps) {
  const ref = useRef<HTMLPreElement>(null);
  const language = languageOf(node);
  return (
    <div className="group my-3 overflow-hidden rounded-lg border border-[#30363d] bg-[#0d1117]" data-testid="code-block">
      <div className="flex items-center justify-between border-b border-[#30363d] px-3 py-1 text-xs text-[#9198a1]">
        <span className="font-mono">{language ?? "code"}</span>
        <CopyButton
          getText={() => ref.current?.textContent ?? ""}
          label="Copy code"
          aria-label="Copy code"
          className="text-[#c9d1d9] hover:bg-[#21262d] hover:text-[#f0f6fc]"
          data-testid="copy-code"
        />
      </div>
      <pre ref={ref} className={cn("overflow-x-auto p-3 font-mono text-[13px] leading-relaxed text-[#e6edf3] [&>code]:bg-transparent! [&>code]:p-0!", className)} {...props}>
        {children}
      </pre>
    </div>
  );
}
