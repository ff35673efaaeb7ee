import { expect, test } from "@playwright/test";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { pickModel } from "./pages/model-picker";
import { SettingsPage } from "./pages/settings-page";

test.describe("settings", () => {
  test("add a key (checked with the provider), see it masked, pick a default model, set a budget", async ({ page }) => {
    test.setTimeout(120_000);
    const secret = "sk-test-e2e-openai-Kq7Z";
    await new RegisterPage(page).register({ email: uniqueEmail("settings"), password: PASSWORD });
    const settings = new SettingsPage(page);

    await settings.open("keys");
    await expect(page.getByTestId("no-keys")).toBeVisible();
    await settings.addKey("openai", secret);
    await expect(page.getByTestId("key-result")).toContainText("OpenAI key saved and verified");
    await expect(settings.keyRow("openai").getByTestId("key-mask")).toHaveText("…Kq7Z");
    await expect(settings.keyRow("openai").getByTestId("key-status")).toHaveText("verified");
    await expect(page.getByLabel(/API key/)).toHaveValue("");

    // the key is in neither the HTML nor the RSC payload of any settings page
    for (const tab of ["keys", "models", "budget", "account"]) {
      const html = await (await page.request.get(`/settings?tab=${tab}`)).text();
      expect(html, tab).not.toContain(secret);
      const rsc = await (await page.request.get(`/settings?tab=${tab}`, { headers: { RSC: "1" } })).text();
      expect(rsc, `${tab} (RSC)`).not.toContain(secret);
    }
    expect(await page.content()).not.toContain(secret);

    await settings.open("models");
    const model = page.getByLabel("Default model for new chats");
    await model.click();
    const list = page.getByTestId("model-picker-list");
    // prices per 1M tokens beside each model; providers without a key greyed, with a way to add one
    await expect(list.locator('[data-model="openai:gpt-4o-mini"]')).toContainText(/gpt-4o-mini\s*\$0\.15 in · \$0\.6 out/);
    await expect(list.locator('[data-testid="model-option-locked"][data-value="anthropic:claude-sonnet-4-5"]')).toHaveAttribute("aria-disabled", "true");
    await expect(list.getByTestId("model-add-key").first()).toContainText("Add a key");
    await page.keyboard.press("Escape");
    await pickModel(page, model, "openai:gpt-4o-mini");
    await page.getByTestId("save-default-model").click();
    await expect(page.getByTestId("current-default-model")).toHaveText("Default: gpt-4o-mini");
    // the field keeps showing what was saved, also after a reload
    await expect(model).toHaveText("gpt-4o-mini");
    await expect(page.getByText("Default model set to gpt-4o-mini.")).toHaveCount(1);
    await page.reload();
    await expect(page.getByLabel("Default model for new chats")).toHaveText("gpt-4o-mini");

    await settings.open("budget");
    const budget = page.getByTestId("budget-form");
    await budget.getByLabel("Monthly budget (USD)").fill("-5");
    await budget.getByLabel("Alert at (% of budget)").fill("50, 180");
    await page.getByTestId("save-budget").click();
    await expect(settings.fieldError("monthlyUsd")).toHaveText("Enter the monthly budget in dollars, like 20 or 12.50.");
    await expect(settings.fieldError("alertThresholds")).toContainText("from 1 to 100");
    await expect(page.getByTestId("budget-usage")).toHaveCount(0);

    await budget.getByLabel("Monthly budget (USD)").fill("20");
    await budget.getByLabel("Alert at (% of budget)").fill("80, 50, 100");
    await budget.getByLabel(/Time zone/).selectOption("Europe/Berlin");
    await page.getByTestId("save-budget").click();
    await expect(page.getByTestId("budget-monthly_cost")).toContainText("$0.00 of $20.00 (0%)");
    await expect(page.getByTestId("budget-monthly_cost")).toContainText("(Europe/Berlin)");
    await page.reload();
    await expect(budget.getByLabel("Monthly budget (USD)")).toHaveValue("20");
    await expect(budget.getByLabel("Alert at (% of budget)")).toHaveValue("50, 80, 100");
  });

  test("a rejected key shows the provider's reason and is not saved", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("rejected"), password: PASSWORD });
    const settings = new SettingsPage(page);
    await settings.open("keys");
    await settings.addKey("openai", "sk-test-invalid-e2e-0000");
    await expect(settings.fieldError("apiKey")).toContainText("OpenAI rejected this key: Incorrect API key provided");
    await expect(page.getByTestId("no-keys")).toBeVisible();
  });

  test("a malformed endpoint URL is refused beside the field", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("endpoint"), password: PASSWORD });
    const settings = new SettingsPage(page);
    await settings.open("keys");
    const form = page.getByTestId("add-key-form");
    await settings.chooseProvider("openai-compatible");
    await form.getByLabel("Name").fill("Ollama");
    await form.getByLabel("Base URL").fill("localhost:11434");
    await form.getByTestId("save-key").click();
    await expect(settings.fieldError("baseUrl")).toHaveText("Enter an http:// or https:// URL, like http://localhost:11434/v1.");
    await expect(form.getByLabel("Name")).toHaveValue("Ollama");
  });

  test("non-admins cannot open the price book admin page", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("no-prices"), password: PASSWORD });
    const response = await page.goto("/admin/models");
    expect(response?.status()).toBe(403);
  });
});
