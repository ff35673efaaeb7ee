import { expect, type Page } from "@playwright/test";

export class SettingsPage {
  constructor(private readonly page: Page) {}

  async open(tab: "keys" | "models" | "budget" | "account") {
    await this.page.goto(`/settings?tab=${tab}`);
    await expect(this.page.getByTestId(`tab-${tab}`)).toHaveAttribute("aria-current", "page");
  }

  async addKey(provider: string, apiKey: string) {
    const form = this.page.getByTestId("add-key-form");
    await form.getByLabel("Provider").selectOption(provider);
    await form.getByLabel(/API key/).fill(apiKey);
    await form.getByTestId("save-key").click();
  }

  keyRow(provider: string) {
    return this.page.getByTestId(`key-${provider}`);
  }

  fieldError(name: string) {
    return this.page.getByTestId(`${name}-error`);
  }
}
