import type { Metadata } from "next";
import Link from "next/link";
import { AssistantCard } from "@/components/assistants/assistant-card";
import { AssistantForm } from "@/components/assistants/assistant-form";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardTitle } from "@/components/ui/card";
import { getUserSettings } from "@/db/queries/settings";
import { listAssistantViews } from "@/lib/assistants/assistants";
import { requireUserPage } from "@/lib/auth/session";
import { listModelGroups } from "@/lib/providers/model-catalog";
import { parseModelRef } from "@/lib/providers/model-ref";

export const metadata: Metadata = { title: "Assistants" };

export default async function AssistantsPage() {
  const user = await requireUserPage();
  const [assistants, groups, settings] = await Promise.all([
    listAssistantViews(user.id),
    listModelGroups(user.id),
    getUserSettings({ userId: user.id }),
  ]);
  const defaultModel = settings.defaultModel ? (parseModelRef(settings.defaultModel)?.modelId ?? settings.defaultModel) : null;
  const all = assistants.map((a) => ({ id: a.id, name: a.name }));
  return (
    <>
      <PageHeader
        title="Assistants"
        description="Specialists with their own instructions and model. Chat with one directly, or let one call the others."
      />
      <div className="grid items-start gap-4 lg:grid-cols-[3fr_2fr]">
        <section aria-label="Your assistants" className="space-y-3">
          {assistants.length === 0 ? (
            <Card data-testid="assistants-empty">
              <CardTitle>No assistants yet</CardTitle>
              <div className="mt-2 space-y-2 text-sm text-zinc-600">
                <p>
                  An assistant is a specialist you set up once: a name, instructions (its system prompt) and, if you like, a
                  preferred model — otherwise it uses your default model. Pick it in{" "}
                  <Link href="/chat" className="font-medium text-brand-600 hover:underline">
                    Chat
                  </Link>{" "}
                  and every answer follows its instructions.
                </p>
                <p>
                  Let an assistant delegate, and the assistants you choose become tools it can call: a “Writer” can ask your
                  “Researcher” for facts, each on its own model. Every delegated call is metered separately, with its own tokens
                  and cost, and counts against your budget like any other request.
                </p>
              </div>
            </Card>
          ) : (
            <ul className="space-y-3" data-testid="assistant-list">
              {assistants.map((assistant) => (
                <li key={assistant.id}>
                  <AssistantCard assistant={assistant} all={all} groups={groups} defaultModel={defaultModel} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <Card data-testid="new-assistant">
          <CardTitle>New assistant</CardTitle>
          <p className="mt-1 mb-4 text-sm text-zinc-600">Names are unique among your assistants.</p>
          <AssistantForm groups={groups} others={all} defaultModel={defaultModel} />
        </Card>
      </div>
    </>
  );
}
