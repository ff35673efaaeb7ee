import Link from "next/link";

const STEPS = [
  { href: "/settings?tab=keys", title: "Add a provider key", text: "OpenAI, Anthropic, Google, OpenRouter or your own Ollama server, in Settings." },
  { href: "/settings?tab=models", title: "Pick a model and a budget", text: "Choose a default model and set a monthly limit with alerts." },
  { href: "/chat", title: "Start a chat", text: "Every answer shows its tokens and cost, and lands on this dashboard." },
];

/** A new account's dashboard: nothing is recorded yet, so it says what to do first. */
export function DashboardEmpty() {
  return (
    <section aria-labelledby="next-steps" data-testid="dashboard-empty" className="space-y-4">
      <div className="rounded-xl border border-zinc-200 bg-white px-6 py-5 shadow-sm">
        <h2 id="next-steps" className="text-base font-semibold text-zinc-900">
          No usage yet
        </h2>
        <p className="mt-1 max-w-2xl text-sm text-zinc-600">
          This page shows what you spend on every model and provider — per day, per model, per feature, per request — once you have chatted.
          Add a key in{" "}
          <Link href="/settings?tab=keys" className="font-medium text-brand-600 hover:underline">
            Settings
          </Link>
          , then{" "}
          <Link href="/chat" className="font-medium text-brand-600 hover:underline">
            start a chat
          </Link>
          .
        </p>
      </div>
      <ol className="grid gap-4 md:grid-cols-3">
        {STEPS.map((step, index) => (
          <li key={step.title}>
            <Link
              href={step.href}
              className="block h-full rounded-xl border border-zinc-200 bg-white p-5 shadow-sm transition-shadow hover:shadow-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
              data-testid={`empty-step-${index + 1}`}
            >
              <p className="text-xs font-semibold text-brand-600">Step {index + 1}</p>
              <p className="mt-1 font-medium">{step.title}</p>
              <p className="mt-1 text-sm text-zinc-600">{step.text}</p>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}
