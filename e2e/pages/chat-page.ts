import { expect, type Locator, type Page } from "@playwright/test";
import { pickModel } from "./model-picker";

/**
 * The chat screen. Actions that start an answer remember which answer was last, so waitForAnswer() waits for a new
 * one (not the previous answer) to finish with its cost line.
 */
export class ChatPage {
  private answerBefore: string | null = null;

  constructor(private readonly page: Page) {}

  async goto(conversationId?: string) {
    await this.page.goto(conversationId ? `/chat/${conversationId}` : "/chat");
    await expect(this.input()).toBeVisible();
  }

  // --- locators -------------------------------------------------------------------------------------------------

  chat() {
    return this.page.getByTestId("chat");
  }

  input() {
    return this.page.getByTestId("composer-input");
  }

  messages() {
    return this.page.getByTestId("messages");
  }

  userMessages() {
    return this.page.getByTestId("message-user");
  }

  assistantMessages() {
    return this.page.getByTestId("message-assistant");
  }

  lastAssistant(): Locator {
    return this.assistantMessages().last();
  }

  costLine(): Locator {
    return this.lastAssistant().getByTestId("message-cost");
  }

  total(): Locator {
    return this.page.getByTestId("conversation-total");
  }

  title(): Locator {
    return this.page.getByTestId("conversation-title");
  }

  error(): Locator {
    return this.page.getByTestId("chat-error");
  }

  modelPicker(): Locator {
    return this.page.getByTestId("model-picker");
  }

  assistantPicker(): Locator {
    return this.page.getByTestId("assistant-picker");
  }

  conversationItems(): Locator {
    return this.page.getByTestId("conversation-item");
  }

  conversationItem(title: string | RegExp): Locator {
    return this.conversationItems().filter({ has: this.page.getByTestId("conversation-link").getByText(title) });
  }

  /** The conversation id in the URL (/chat/<id>), or null on /chat. */
  conversationId(): string | null {
    return /\/chat\/([0-9a-f-]{36})/i.exec(this.page.url())?.[1] ?? null;
  }

  // --- actions ----------------------------------------------------------------------------------------------------

  async send(text: string) {
    await this.rememberAnswer();
    await this.input().fill(text);
    await this.page.getByTestId("send").click();
  }

  /** Waits until a new answer has finished streaming and shows its cost line. */
  async waitForAnswer({ timeout = 30_000 }: { timeout?: number } = {}) {
    const previous = this.answerBefore;
    await expect(async () => {
      const id = await this.lastAssistant().getAttribute("data-message-id", { timeout: 500 });
      expect(id).not.toBeNull();
      expect(id).not.toBe(previous);
    }).toPass({ timeout });
    await expect(this.chat()).toHaveAttribute("data-status", "ready", { timeout });
    await expect(this.costLine()).toBeVisible({ timeout });
  }

  /** Stops the answer being streamed (waits for the Stop button first). */
  async stop() {
    await this.page.getByTestId("stop").click();
    await expect(this.chat()).toHaveAttribute("data-status", "ready");
  }

  async regenerate() {
    await this.rememberAnswer();
    await this.lastAssistant().getByTestId("regenerate").click();
  }

  async editLast(text: string) {
    await this.rememberAnswer();
    await this.userMessages().last().getByTestId("edit-last").click();
    await this.page.getByTestId("edit-input").fill(text);
    await this.page.getByTestId("edit-save").click();
  }

  /** A model ref, like "openai:gpt-4o-mini". */
  async pickModel(ref: string) {
    await pickModel(this.page, this.modelPicker(), ref);
  }

  /** An assistant by name, or "No assistant". */
  async pickAssistant(name: string) {
    await this.assistantPicker().selectOption({ label: name });
  }

  async newChat() {
    await this.page.getByTestId("new-chat").click();
    await expect(this.page).toHaveURL(/\/chat$/);
  }

  async loadMore() {
    await this.page.getByTestId("load-more").click();
  }

  // --- reading ----------------------------------------------------------------------------------------------------

  async lastAssistantText(): Promise<string> {
    return (await this.lastAssistant().getByTestId("message-text").innerText()).trim();
  }

  /** "1,234 in · 56 out · $0.0012 …" under the last answer. */
  async lastCostLine(): Promise<string> {
    return (await this.costLine().innerText()).trim();
  }

  /** The inline error's text (waits for it to show). */
  async errorText(): Promise<string> {
    await expect(this.error()).toBeVisible();
    return (await this.error().getByTestId("chat-error-message").innerText()).trim();
  }

  private async rememberAnswer() {
    const count = await this.assistantMessages().count();
    this.answerBefore = count > 0 ? await this.lastAssistant().getAttribute("data-message-id") : null;
  }
}
