import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { AssistantsPage } from "./pages/assistants-page";
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
    // The first answer was clamped to what $0.0001 allowed; the next one cannot fit at all.
    await expect(chat.error()).toContainText(/Monthly budget reached: \$0\.0000\d+ of \$0\.0001 used\.( The \$0\.\d+ left does not cover this request\.)? It resets \w{3} \d+, \d{4}/);
    await expect(chat.error().getByRole("link", { name: /budget settings/i })).toHaveAttribute("href", "/settings?tab=budget");
    // The alerts crossed on the way (50%, 80%) show in the bell.
    await page.reload();
    await expect(page.getByTestId("notification-count")).toHaveText(/[1-9]/, { timeout: 40_000 });
    await page.getByTestId("notification-bell").click();
    await expect(page.getByTestId("notifications")).toContainText("80% of your monthly budget used");
  });

  test("a key removed after chatting: the chat names the provider that needs a key and links to settings", async ({ page }) => {
    await userWithOpenAiKey(page, "removedkey");
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.pickModel("openai:gpt-4o-mini");
    await chat.send("first [[reply:ok]]");
    await chat.waitForAnswer();
    const id = chat.conversationId();
    expect(id).not.toBeNull();

    const settings = new SettingsPage(page);
    await settings.open("keys");
    page.once("dialog", (dialog) => void dialog.accept());
    await settings.keyRow("openai").getByTestId("delete-key").click();
    await expect(page.getByTestId("no-keys")).toBeVisible();

    await chat.goto(id!);
    await chat.send("second");
    await expect(chat.error()).toContainText("gpt-4o-mini needs an OpenAI key");
    await expect(page.getByTestId("chat-error-link")).toHaveAttribute("href", "/settings?tab=keys");
  });

  test("an assistant delegates to another; the answer shows the cost of every call", async ({ page }) => {
    await userWithOpenAiKey(page, "assistants");
    const assistants = new AssistantsPage(page);
    await assistants.goto();
    await assistants.create({ name: "Researcher", prompt: "You find facts.", model: "openai:gpt-4o-mini" });
    await expect(assistants.card("Researcher")).toBeVisible();
    await assistants.create({ name: "Lead", prompt: "You coordinate.", model: "openai:gpt-4o-mini", delegates: ["Researcher"] });
    await expect(assistants.card("Lead")).toBeVisible();

    const chat = new ChatPage(page);
    await chat.goto();
    await chat.pickAssistant("Lead");
    await chat.send('Plan [[tool:ask_researcher:{"task":"three facts about Lisbon"}]] [[usage:prompt=100,completion=20]]');
    await chat.waitForAnswer();
    // The second step quotes the tool result: the Researcher's own answer to the task.
    await expect(chat.lastAssistant()).toContainText("Tool results:");
    await expect(chat.lastAssistant()).toContainText("three facts about Lisbon");
    // Two steps of the Lead (100 in / 20 out each) and one call of the Researcher: at least 2 × $0.000027.
    await expect(chat.costLine()).toContainText(/\$0\.0000[6-9]|\$0\.0001/);
  });
});
