import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { ChatPage } from "./pages/chat-page";
import { SettingsPage } from "./pages/settings-page";

async function userWithOpenAiKey(page: Page, tag: string) {
  await new RegisterPage(page).register({ email: uniqueEmail(tag), password: PASSWORD });
  const settings = new SettingsPage(page);
  await settings.open("keys");
  await settings.addKey("openai", `sk-test-e2e-${tag}-0001`);
  await expect(page.getByTestId("key-result")).toContainText("OpenAI key saved and verified");
}

test.describe("chat", () => {
  test("streams an answer with markdown and its cost, stops mid-answer, regenerates, shows up in history", async ({ page }) => {
    await userWithOpenAiKey(page, "chat");
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.pickModel("openai:gpt-4o-mini");

    await chat.send("Explain [[reply:Here is **bold** and `code`.]] [[usage:prompt=1000,completion=500,cached=200]]");
    await chat.waitForAnswer();
    await expect(chat.lastAssistant().locator("strong")).toHaveText("bold");
    // gpt-4o-mini: 800×$0.15 + 200×$0.075 + 500×$0.60 per MTok = $0.000435
    await expect(chat.costLine()).toContainText("$0.00044");
    await expect(chat.costLine()).toContainText("1,000 in");
    await expect(chat.costLine()).toContainText("500 out");
    await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);

    // A slow answer, stopped after a few words: the partial text stays, marked as stopped, with an estimated cost.
    await chat.send("Slowly [[delay:250]] [[reply:one two three four five six seven eight nine ten eleven twelve thirteen fourteen]]");
    await expect(chat.lastAssistant()).toContainText("two", { timeout: 15_000 });
    await chat.stop();
    await expect(chat.lastAssistant()).not.toContainText("fourteen");
    await expect(chat.costLine()).toContainText(/stopped/i, { timeout: 15_000 });
    await expect(chat.costLine()).toContainText(/estimated/i, { timeout: 15_000 });

    await chat.regenerate();
    await chat.waitForAnswer({ timeout: 30_000 });
    await expect(chat.lastAssistant()).toContainText("fourteen", { timeout: 30_000 });

    await expect(chat.conversationItems().first()).toBeVisible();
  });

  test("a missing key says which provider needs one and links to settings; no answer is made", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("nokey"), password: PASSWORD });
    const chat = new ChatPage(page);
    await chat.goto();
    await expect(page.getByTestId("no-models")).toBeVisible();
  });

  test("over budget: the message names the budget, the amount spent, the limit and the reset, with a link", async ({ page }) => {
    await userWithOpenAiKey(page, "budget");
    const settings = new SettingsPage(page);
    await settings.open("budget");
    // One answer of 500 output tokens costs $0.0003; a $0.0001 budget is gone after it.
    await page.getByTestId("budget-form").getByLabel("Monthly budget (USD)").fill("0.0001");
    await page.getByTestId("save-budget").click();
    await expect(page.getByText("Budget saved.")).toBeVisible();

    const chat = new ChatPage(page);
    await chat.goto();
    await chat.pickModel("openai:gpt-4o-mini");
    await chat.send("spend [[usage:prompt=10,completion=500]] [[reply:Spent.]]");
    await chat.waitForAnswer();
    await chat.send("and again");
    await expect(chat.error()).toContainText(/Monthly budget reached: \$0\.0001\d* of \$0\.0001 used\. It resets/);
    await expect(chat.error().getByRole("link", { name: /budget settings/i })).toHaveAttribute("href", "/settings?tab=budget");
  });
});
