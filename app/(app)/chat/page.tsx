import type { Metadata } from "next";
import Link from "next/link";
import { ComingNext } from "@/components/layout/coming-next";
import { PageHeader } from "@/components/layout/page-header";

export const metadata: Metadata = { title: "Chat · Spendboard" };

export default function ChatPage() {
  return (
    <>
      <PageHeader
        title="Chat"
        description="Chat with any model you have a key for, through Spendboard's metered proxy."
      />
      <ComingNext
        title="Chat is not open yet. It will let you"
        items={[
          "Stream answers from OpenAI, Anthropic, Google, OpenRouter or an OpenAI-compatible server such as Ollama",
          "Pick the model (or an assistant) per conversation, stop an answer, regenerate it, edit and resend",
          "See the tokens and cost of every message and the running total of the conversation",
          "Stay inside your budget: a request that would exceed it is refused before anything is charged",
        ]}
      />
      <p className="mt-4 text-sm text-zinc-600">
        Meanwhile, <Link href="/settings" className="font-medium text-brand-600 hover:underline">review your settings</Link>.
      </p>
    </>
  );
}
