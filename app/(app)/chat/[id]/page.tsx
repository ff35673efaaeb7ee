import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConversationLoader } from "@/components/chat/conversation-loader";
import { getOwnConversation } from "@/db/queries/conversations";
import { getCurrentUser, requireUserPage } from "@/lib/auth/session";
import { displayTitle } from "@/lib/chat/plain-title";
import { isUuid } from "@/lib/validation/id";

/** The conversation's title, only for its owner (anyone else's id, or a bad one, gets the generic title). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const user = isUuid(id) ? await getCurrentUser() : null;
  const conversation = user ? await getOwnConversation({ id, userId: user.id }) : undefined;
  return { title: displayTitle(conversation?.title, "Conversation") };
}

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUserPage();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  // Keyed by id: opening another conversation starts a fresh chat instead of reusing this one's state.
  return <ConversationLoader key={id} id={id} />;
}
