import type { Metadata } from "next";
import Link from "next/link";
import { ComingNext } from "@/components/layout/coming-next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { requireUserPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Dashboard · Spendboard" };

const steps = [
  { href: "/settings", title: "Add a provider key", text: "OpenAI, Anthropic, Google, OpenRouter or your own Ollama server." },
  { href: "/settings", title: "Pick a model and a budget", text: "Choose a default model and set a monthly limit with alerts." },
  { href: "/chat", title: "Start a chat", text: "Every answer shows its tokens and cost, and lands on this dashboard." },
];

export default async function DashboardPage() {
  const user = await requireUserPage();
  return (
    <>
      <PageHeader
        title={`Welcome${user.name ? `, ${user.name}` : ""}`}
        description="Your spending on every model and provider, to the nano-dollar. Nothing is recorded yet."
      />
      <section aria-labelledby="next-steps" data-testid="dashboard-empty" className="space-y-4">
        <h2 id="next-steps" className="text-sm font-semibold uppercase tracking-wide text-zinc-500">
          What to do next
        </h2>
        <ol className="grid gap-4 md:grid-cols-3">
          {steps.map((step, index) => (
            <li key={step.title}>
              <Link href={step.href} className="block h-full">
                <Card className="h-full transition-shadow hover:shadow-md">
                  <p className="text-xs font-semibold text-brand-600">Step {index + 1}</p>
                  <p className="mt-1 font-medium">{step.title}</p>
                  <p className="mt-1 text-sm text-zinc-600">{step.text}</p>
                </Card>
              </Link>
            </li>
          ))}
        </ol>
        <ComingNext
          title="Once you have usage, this page shows"
          items={[
            "Spend, requests, tokens and average cost per request for today, 7 days, 30 days, this month or any range",
            "How much of each budget is used, and when it resets",
            "Spend over time, and by model, provider, feature and assistant",
            "Your most recent requests with tokens, cost and latency, and a CSV export",
          ]}
        />
      </section>
    </>
  );
}
