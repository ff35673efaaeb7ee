import { expect, type Page } from "@playwright/test";
import { pickModel } from "./model-picker";

export interface NewAssistant {
  name: string;
  prompt: string;
  /** A model ref ("openai:gpt-4o-mini"), or "" for the user's default model (also when absent). */
  model?: string;
  /** Names of existing assistants it may delegate to. */
  delegates?: string[];
}

export class AssistantsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/assistants");
    await expect(this.page.getByRole("heading", { level: 1, name: "Assistants" })).toBeVisible();
  }

  /** The create form (edit forms open inside their cards). */
  createForm() {
    return this.page.getByTestId("new-assistant").getByTestId("assistant-form");
  }

  /** Fills and submits the create form; assert the outcome with `card(name)` or `fieldError(…)`. */
  async create({ name, prompt, model, delegates = [] }: NewAssistant) {
    const form = this.createForm();
    await form.getByTestId("assistant-name").fill(name);
    await form.getByTestId("assistant-prompt").fill(prompt);
    if (model !== undefined) await pickModel(this.page, form.getByTestId("assistant-model"), model);
    for (const delegate of delegates) await form.getByTestId(`delegate-${delegate}`).check();
    await form.getByTestId("save-assistant").click();
    await expect(form.getByTestId("save-assistant")).toBeEnabled();
  }

  cards() {
    return this.page.getByTestId("assistant-card");
  }

  card(name: string) {
    return this.cards().filter({ has: this.page.getByTestId("assistant-card-name").getByText(name, { exact: true }) });
  }

  async remove(name: string) {
    this.page.once("dialog", (dialog) => void dialog.accept());
    await this.card(name).getByTestId("delete-assistant").click();
    await expect(this.card(name)).toHaveCount(0);
  }

  fieldError(field: "name" | "systemPrompt" | "preferredModel" | "delegateIds") {
    return this.createForm().getByTestId(`${field}-error`);
  }
}
