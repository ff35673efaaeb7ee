import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConversationLoader } from "@/components/chat/conversation-loader";
import { requireUserPage } from "@/lib/auth/session";
import { isUuid } from "@/lib/validation/id";

export const metadata: Metadata = { title: "Chat · Spendboard" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUserPage();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  // Keyed by id: opening another conversation starts a fresh chat instead of reusing this one's state.
  return <ConversationLoader key={id} id={id} />;
}
