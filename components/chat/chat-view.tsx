"use client";

import { useChat } from "@ai-sdk/react";
import { useQueryClient } from "@tanstack/react-query";
import { DefaultChatTransport, type ChatOnFinishCallback } from "ai";
import { useEffect, useMemo, useRef, useState } from "react";
import { getConversation, queryKeys } from "@/lib/chat/client-api";
import {
  buildChatRequest,
  mergeServerMetadata,
  messageText,
  toChatMessages,
  type ChatRequestExtras,
  type ChatUIMessage,
} from "@/lib/chat/client-messages";
import type { AssistantView, ConversationCostPart } from "@/lib/chat/contract";
import { conversationTotal } from "@/lib/chat/conversation-total";
import { displayTitle } from "@/lib/chat/plain-title";
import { isEscapeForPage } from "@/components/layout/shortcuts";
import { AssistantPicker } from "./assistant-picker";
import { registerChat, pendingChatModel } from "./chat-commands";
import { ChatError } from "./chat-error";
import { ChatHeader } from "./chat-header";
import { Composer } from "./composer";
import { EmptyState } from "./empty-state";
import { MessageList } from "./message-list";
import { firstModelRef, ModelPicker } from "./model-picker";
import { TabTitle } from "./tab-title";
import { UnansweredNotice } from "./unanswered-notice";
import { useAssistants, useConversationTitle, useModels } from "./use-chat-data";

export interface ChatViewProps {
  /** The conversation id (a uuid the client made for a new chat). */
  id: string;
  /** A chat not saved yet: its URL becomes /chat/<id> after the first answer. */
  isNew: boolean;
  initialMessages: ChatUIMessage[];
  /** The conversation's model and assistant (null for a new chat: the user's default model, no assistant). */
  initialModel: string | null;
  initialAssistantId: string | null;
  initialTitle: string | null;
  /** The conversation's recorded usage per answer (replaced answers included): the header's total starts from it. */
  initialCostParts?: ConversationCostPart[];
}

/** After an answer, read the recorded usage (and a stopped answer's cost) from the server after these delays (ms). */
const COST_SYNC_DELAYS = [1_200, 4_000];
/** The title is generated in the background after the first answer: refresh the history after these delays (ms). */
const TITLE_REFRESH_DELAYS = [2_500, 7_000];

export function ChatView({ id, isNew, initialMessages, initialModel, initialAssistantId, initialTitle, initialCostParts = [] }: ChatViewProps) {
  const queryClient = useQueryClient();
  const models = useModels();
  const assistants = useAssistants();
  const listedTitle = useConversationTitle(id);
  // A model picked in the command palette before this chat opened wins over the conversation's.
  const [pickedModel, setPickedModel] = useState<string | null>(() => pendingChatModel() ?? initialModel);
  const [assistantId, setAssistantId] = useState<string | null>(initialAssistantId);
  const [costParts, setCostParts] = useState<ConversationCostPart[]>(initialCostParts);
  const timers = useRef<number[]>([]);

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => window.clearTimeout(timer));
  }, []);

  const model = pickedModel ?? models.data?.defaultModel ?? firstModelRef(models.data?.groups) ?? null;
  const noModels = models.isSuccess && models.data.groups.length === 0;

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/chat",
        prepareSendMessagesRequest: (options) => ({ body: buildChatRequest(options) }),
      }),
    [],
  );

  function later(ms: number, task: () => void) {
    timers.current.push(window.setTimeout(task, ms));
  }

  function refreshHistory() {
    void queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
    // The answer moved the numbers: the dashboard refetches when it is next shown.
    void queryClient.invalidateQueries({ queryKey: ["usage"] });
  }

  async function syncCostsFromServer() {
    try {
      const detail = await getConversation(id);
      setMessages((current) => mergeServerMetadata(current, toChatMessages(detail)));
      setCostParts(detail.conversation.costParts);
    } catch {
      // The cost shows on the next visit.
    }
  }

  const onFinish: ChatOnFinishCallback<ChatUIMessage> = ({ message, messages: all, isAbort }) => {
    const answered = message.role === "assistant" && all.some((m) => m.id === message.id);
    if (answered && isAbort && !message.metadata?.status) {
      // The stream ends without its metadata; mark it now, the server's numbers follow.
      setMessages((current) => current.map((m) => (m.id === message.id ? { ...m, metadata: { ...m.metadata, status: "aborted" } } : m)));
    }
    // Usage is recorded just after the stream ends: read it back for the total (and a stopped answer's own cost).
    if (answered) for (const delay of COST_SYNC_DELAYS) later(delay, () => void syncCostsFromServer());
    if (answered && isNew && window.location.pathname !== `/chat/${id}`) {
      // The conversation exists now: give it its URL without remounting this chat.
      window.history.replaceState(null, "", `/chat/${id}`);
      for (const delay of TITLE_REFRESH_DELAYS) later(delay, refreshHistory);
    }
    refreshHistory();
  };

  const { messages, status, error, sendMessage, regenerate, stop, setMessages } = useChat<ChatUIMessage>({
    id,
    messages: initialMessages,
    transport,
    onFinish,
  });
  const busy = status === "submitted" || status === "streaming";

  // The command palette switches this chat's model; Esc stops an answer (unless a dialog, menu or text field has it).
  useEffect(() => registerChat({ pickModel: setPickedModel }), []);
  useEffect(() => {
    if (!busy) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isEscapeForPage(event)) return;
      event.preventDefault();
      void stop();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [busy, stop]);
  // Every recorded call (answers replaced by Regenerate included), plus a shown answer not recorded yet.
  const totals = useMemo(() => conversationTotal(costParts, messages), [costParts, messages]);

  const extras = (): { body: ChatRequestExtras } => ({ body: { model: model ?? undefined, assistantId } });
  // useChat keeps a failed request in its state; nothing to do with the rejection here.
  const ignore = (promise: Promise<void>) => void promise.catch(() => undefined);

  function send(text: string): boolean {
    if (busy) return false;
    const last = messages.at(-1);
    if (error && last?.role === "user") {
      // The previous message never got an answer: this one replaces it (the server drops it and what follows).
      ignore(sendMessage({ text, messageId: last.id }, extras()));
    } else {
      ignore(sendMessage({ text }, extras()));
    }
    return true;
  }

  function editLast(messageId: string, text: string) {
    ignore(sendMessage({ text, messageId }, extras()));
  }

  function regenerateLast() {
    ignore(regenerate(extras()));
  }

  function retry() {
    const last = messages.at(-1);
    if (last?.role === "user") editLast(last.id, messageText(last));
    else regenerateLast();
  }

  function pickAssistant(assistant: AssistantView | null) {
    setAssistantId(assistant?.id ?? null);
    if (assistant?.preferredModel) setPickedModel(assistant.preferredModel);
  }

  const unanswered = !busy && !error && messages.at(-1)?.role === "user";
  const knownTitle = displayTitle(listedTitle ?? initialTitle, "");
  const title = knownTitle || (messages.length > 0 ? "New conversation" : "New chat");

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="chat" data-status={status}>
      {/* The page's metadata title was "New chat" (or the title before a rename): the tab follows the history. */}
      {knownTitle ? <TabTitle title={knownTitle} /> : null}
      <ChatHeader
        title={title}
        costNano={totals.costNano}
        replacedCostNano={totals.replacedCostNano}
        tokens={totals.tokens}
        hasUnpriced={totals.hasUnpriced}
      />
      {messages.length === 0 && !busy ? (
        <div className="min-h-0 flex-1 overflow-y-auto">
          <EmptyState noModels={noModels} />
          {error ? (
            <div className="mx-auto mt-4 max-w-3xl">
              <ChatError error={error} onRetry={retry} />
            </div>
          ) : null}
        </div>
      ) : (
        <MessageList
          messages={messages}
          status={status}
          onEditLast={editLast}
          onRegenerate={regenerateLast}
          footer={
            error && !busy ? <ChatError error={error} onRetry={retry} /> : unanswered ? <UnansweredNotice onAnswer={retry} /> : null
          }
        />
      )}
      <div className="pt-2">
        <Composer
          onSend={send}
          onStop={() => ignore(stop())}
          busy={busy}
          blockedReason={noModels && model === null ? "Add a provider key in Settings first." : null}
          pickers={
            <>
              <ModelPicker
                groups={models.data?.groups}
                locked={models.data?.locked}
                value={model}
                onChange={setPickedModel}
                disabled={busy}
                aria-label="Model"
                size="sm"
                data-testid="model-picker"
              />
              <AssistantPicker assistants={assistants.data} value={assistantId} onChange={pickAssistant} disabled={busy} />
            </>
          }
        />
        {models.isError ? (
          <p className="mx-auto mt-1 max-w-3xl text-xs text-red-600" role="status">
            Could not load your models: {models.error.message}
          </p>
        ) : null}
      </div>
    </div>
  );
}
