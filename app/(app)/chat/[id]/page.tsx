import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConversationLoader } from "@/components/chat/conversation-loader";
import { requireUserPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Chat · Spendboard" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUserPage();
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  // Keyed by id: opening another conversation starts a fresh chat instead of reusing this one's state.
  return <ConversationLoader key={id} id={id} />;
}
