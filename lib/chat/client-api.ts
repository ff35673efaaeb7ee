import type { LockedModelGroup, ModelGroup } from "@/lib/providers/model-catalog";
import type { AssistantView, ConversationDetail, ConversationPage, ConversationSummary } from "./contract";
import { fetchJson } from "./client-fetch";

/** The chat API as the browser calls it (see lib/chat/contract.ts), and the TanStack Query keys of its data. */

export interface ModelsResponse {
  groups: ModelGroup[];
  /** Built-in providers without a key: shown greyed, not selectable. */
  locked: LockedModelGroup[];
  defaultModel: string | null;
}

export const queryKeys = {
  /** Every history list (the whole one and each search) starts with this key. */
  conversations: ["conversations"] as const,
  conversationSearch: (search: string) => ["conversations", "search", search] as const,
  conversation: (id: string) => ["conversation", id] as const,
  models: ["models"] as const,
  assistants: ["assistants"] as const,
};

export const CONVERSATIONS_PAGE_SIZE = 30;

/** A page of the history; `search` keeps titles containing it (searched on the server, the list is paged). */
export function listConversations(cursor: string | null, signal?: AbortSignal, search = ""): Promise<ConversationPage> {
  const params = new URLSearchParams({ limit: String(CONVERSATIONS_PAGE_SIZE) });
  if (cursor) params.set("cursor", cursor);
  if (search.trim()) params.set("q", search.trim());
  return fetchJson<ConversationPage>(`/api/conversations?${params}`, { signal });
}

export function getConversation(id: string, signal?: AbortSignal): Promise<ConversationDetail> {
  return fetchJson<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`, { signal });
}

export function renameConversation(id: string, title: string): Promise<ConversationSummary> {
  return fetchJson<ConversationSummary>(`/api/conversations/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body: JSON.stringify({ title }),
  });
}

export function deleteConversation(id: string): Promise<void> {
  return fetchJson<void>(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function listModels(signal?: AbortSignal): Promise<ModelsResponse> {
  return fetchJson<ModelsResponse>("/api/models", { signal });
}

export async function listAssistants(signal?: AbortSignal): Promise<AssistantView[]> {
  const { assistants } = await fetchJson<{ assistants: AssistantView[] }>("/api/assistants", { signal });
  return assistants;
}
