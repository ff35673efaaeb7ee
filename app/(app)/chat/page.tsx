import type { Metadata } from "next";
import { NewChat } from "@/components/chat/new-chat";
import { requireUserPage } from "@/lib/auth/session";

export const metadata: Metadata = { title: "New chat" };

export default async function ChatPage() {
  // Layouts and pages render in parallel: the page checks for itself.
  await requireUserPage();
  return <NewChat />;
}
