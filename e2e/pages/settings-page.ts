import { expect, type Page } from "@playwright/test";

const PROVIDER_LABELS = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google Gemini",
  openrouter: "OpenRouter",
  "openai-compatible": "OpenAI-compatible endpoint (Ollama, vLLM, LM Studio…)",
} as const;

export class SettingsPage {
  constructor(private readonly page: Page) {}

  async open(tab: "keys" | "models" | "budget" | "account") {
    await this.page.goto(`/settings?tab=${tab}`);
    await expect(this.page.getByTestId(`tab-${tab}`)).toHaveAttribute("aria-current", "page");
  }

  async addKey(provider: keyof typeof PROVIDER_LABELS, apiKey: string) {
    const form = this.page.getByTestId("add-key-form");
    await this.chooseProvider(provider);
    await form.getByLabel(/API key/).fill(apiKey);
    await form.getByTestId("save-key").click();
  }

  /** The key form's provider (a Radix select: open it, pick the option). */
  async chooseProvider(provider: keyof typeof PROVIDER_LABELS) {
    const trigger = this.page.getByTestId("add-key-form").getByLabel("Provider");
    await trigger.click();
    await this.page.getByRole("option", { name: PROVIDER_LABELS[provider], exact: true }).click();
    await expect(trigger).toContainText(PROVIDER_LABELS[provider]);
  }

  keyRow(provider: string) {
    return this.page.getByTestId(`key-${provider}`);
  }

  fieldError(name: string) {
    return this.page.getByTestId(`${name}-error`);
  }
}
