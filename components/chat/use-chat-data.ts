"use client";

import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";
import { listAssistants, listConversations, listModels, queryKeys } from "@/lib/chat/client-api";
import type { ConversationPage } from "@/lib/chat/contract";

/** The data the chat screens share, each read through one TanStack Query key. */

export function useModels() {
  return useQuery({ queryKey: queryKeys.models, queryFn: ({ signal }) => listModels(signal), staleTime: 60_000 });
}

export function useAssistants() {
  return useQuery({ queryKey: queryKeys.assistants, queryFn: ({ signal }) => listAssistants(signal), staleTime: 60_000 });
}

function conversationListOptions(search = "") {
  const q = search.trim();
  return {
    queryKey: q ? queryKeys.conversationSearch(q) : queryKeys.conversations,
    queryFn: ({ pageParam, signal }: { pageParam: string | null; signal: AbortSignal }) => listConversations(pageParam, signal, q),
    initialPageParam: null as string | null,
    getNextPageParam: (last: ConversationPage) => last.nextCursor,
  };
}

/** The history, newest first, a page at a time; with `search`, only titles containing it (the server filters). */
export function useConversationList(search = "") {
  return useInfiniteQuery({ ...conversationListOptions(search), placeholderData: keepPreviousData });
}

/** A conversation's title as the history knows it (the generated title shows up there first). */
export function useConversationTitle(id: string): string | null {
  const { data } = useInfiniteQuery({
    ...conversationListOptions(),
    select: (pages: InfiniteData<ConversationPage, string | null>) =>
      pages.pages.flatMap((page) => page.items).find((item) => item.id === id)?.title ?? null,
  });
  return data ?? null;
}
