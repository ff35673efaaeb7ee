import { expect, test, type Page } from "@playwright/test";
import { formatUsd } from "@/lib/money";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { ChatHistory } from "./pages/chat-history";
import { ChatPage } from "./pages/chat-page";
import { SettingsPage } from "./pages/settings-page";

const DAY = 24 * 60 * 60 * 1000;

async function signUpWithKey(page: Page, tag: string) {
  await new RegisterPage(page).register({ email: uniqueEmail(tag), password: PASSWORD });
  const settings = new SettingsPage(page);
  await settings.open("keys");
  await settings.addKey("openai", `sk-test-e2e-${tag}-0001`);
  await expect(page.getByTestId("key-result")).toContainText("OpenAI key saved and verified");
}

/** Picks a model in the chat's searchable picker: type its id, click it (the keyless providers' rows are disabled). */
async function pickModel(page: Page, modelId: string) {
  const trigger = page.getByTestId("model-picker");
  await expect(trigger).toBeEnabled();
  await trigger.click();
  await page.keyboard.type(modelId);
  await page.getByRole("option", { name: new RegExp(`^${modelId.replace(/[.-]/g, "\\$&")} \\$`) }).click();
  await expect(trigger).toContainText(modelId);
}

/** A new conversation whose answer (and so its generated title, from the same script) is `reply`. */
async function startConversation(page: Page, chat: ChatPage, reply: string) {
  await chat.goto();
  await pickModel(page, "gpt-4o-mini");
  await chat.send(`Hello [[reply:${reply}]] [[usage:prompt=100,completion=20]]`);
  await chat.waitForAnswer();
}

test.describe("chat history", () => {
  test("generated titles are plain text; the … menu renames (by keyboard) and deletes; search filters; day headings", async ({ page }) => {
    test.setTimeout(180_000); // two answers with generated titles and three reloads
    await page.setViewportSize({ width: 1440, height: 900 });
    await signUpWithKey(page, "history");
    const chat = new ChatPage(page);
    const history = new ChatHistory(page);

    // The fake model answers the title request with the same scripted reply: markdown, which must not show.
    await startConversation(page, chat, "**Lisbon** trip `plan`");
    await expect(history.item("Lisbon trip plan")).toBeVisible({ timeout: 20_000 });
    await expect(history.items().filter({ hasText: "**" })).toHaveCount(0);
    await expect(chat.title()).toHaveText("Lisbon trip plan");
    await startConversation(page, chat, "Budget review notes");
    await expect(history.item("Budget review notes")).toBeVisible({ timeout: 20_000 });
    await expect(history.headings()).toHaveText(["Today"]);

    // The title link spans the row; the full title is in its title attribute.
    const link = history.item("Budget review notes").getByTestId("conversation-link");
    await expect(link).toHaveAttribute("title", "Budget review notes");
    const [linkBox, rowBox] = [await link.boundingBox(), await history.item("Budget review notes").boundingBox()];
    expect(linkBox!.width).toBeGreaterThan(rowBox!.width * 0.9);

    // Rename with the keyboard only: focus the "…" button, Enter opens the menu on "Rename", Enter picks it.
    await history.item("Lisbon trip plan").getByTestId("conversation-menu").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("menuitem", { name: "Rename" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("rename-input")).toBeFocused();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("Lisbon in spring");
    await page.keyboard.press("Enter");
    await expect(history.item("Lisbon in spring")).toBeVisible();
    // Esc closes the menu and gives focus back to its button.
    await history.item("Budget review notes").getByTestId("conversation-menu").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("menu")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
    await expect(history.item("Budget review notes").getByTestId("conversation-menu")).toBeFocused();

    // Search over titles (on the server): one match, then none, then all again.
    await history.search().fill("lisbon");
    await expect(history.items()).toHaveCount(1);
    await expect(history.items().first()).toContainText("Lisbon in spring");
    await history.search().fill("no such title");
    await expect(page.getByTestId("no-matches").filter({ visible: true })).toBeVisible();
    await history.search().fill("");
    await expect(history.items()).toHaveCount(2);

    // Seen from later days (the browser's clock moved on), the same rows move under the other headings.
    await page.clock.setFixedTime(new Date(Date.now() + DAY));
    await page.reload();
    await expect(history.headings()).toHaveText(["Yesterday"]);
    await page.clock.setFixedTime(new Date(Date.now() + 4 * DAY));
    await page.reload();
    await expect(history.headings()).toHaveText(["Previous 7 days"]);
    await page.clock.setFixedTime(new Date(Date.now() + 30 * DAY));
    await page.reload();
    await expect(history.headings()).toHaveText(["Older"]);

    // Delete through the menu and its confirm dialog.
    await history.remove("Budget review notes");
    await expect(history.items()).toHaveCount(1);
  });

  test("the tab title follows the generated title and a rename; while an answer streams, Esc in a text field keeps it, Esc outside stops it", async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await signUpWithKey(page, "esc");
    const chat = new ChatPage(page);
    const history = new ChatHistory(page);

    // A new chat's tab says so; after the first answer the generated title arrives and the tab follows, no reload.
    await chat.goto();
    await expect(page).toHaveTitle("New chat · Spendboard");
    await pickModel(page, "gpt-4o-mini");
    await chat.send("Hello [[reply:Budget review notes]] [[usage:prompt=100,completion=20]]");
    await chat.waitForAnswer();
    await expect(history.item("Budget review notes")).toBeVisible({ timeout: 20_000 });
    await expect(page).toHaveTitle("Budget review notes · Spendboard");
    // A rename moves it too; a new chat is "New chat" again (the old title does not linger).
    await history.rename("Budget review notes", "Quarterly budget");
    await expect(page).toHaveTitle("Quarterly budget · Spendboard");
    await chat.newChat();
    await expect(page).toHaveTitle("New chat · Spendboard");

    // A slow answer in the new chat.
    const words = Array.from({ length: 40 }, (_, i) => `word${i + 1}`).join(" ");
    await pickModel(page, "gpt-4o-mini");
    await chat.send(`Count slowly [[delay:300]] [[reply:${words}]]`);
    await expect(chat.chat()).toHaveAttribute("data-status", "streaming");
    await expect(chat.lastAssistant()).toContainText("word2", { timeout: 15_000 });

    // Esc in the history's rename field cancels the rename, and only that: the answer keeps streaming.
    await history.openMenu("Quarterly budget");
    await page.getByRole("menuitem", { name: "Rename" }).click();
    const field = page.getByTestId("rename-input");
    await expect(field).toBeFocused();
    await page.keyboard.type(" draft");
    await page.keyboard.press("Escape");
    await expect(field).toHaveCount(0);
    await expect(history.item("Quarterly budget")).toBeVisible();
    await expect(chat.chat()).toHaveAttribute("data-status", "streaming");
    // Esc in the (empty) title search is the field's too.
    await history.search().focus();
    await page.keyboard.press("Escape");
    await expect(chat.chat()).toHaveAttribute("data-status", "streaming");
    const streamed = await chat.lastAssistantText();
    await expect.poll(() => chat.lastAssistantText(), { timeout: 10_000 }).not.toBe(streamed);

    // Esc outside any field stops it.
    await history.search().blur();
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await page.keyboard.press("Escape");
    await expect(chat.chat()).toHaveAttribute("data-status", "ready");
    await expect(chat.costLine()).toContainText(/stopped/i, { timeout: 15_000 });
    expect(await chat.lastAssistantText()).not.toContain("word40");
  });

  test("at 390 px: long words and URLs wrap inside bubbles, code scrolls inside its block, the drawer has the menu and search", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signUpWithKey(page, "wrap");
    const chat = new ChatPage(page);
    const url = `https://example.com/${"averyveryverylongpathsegment".repeat(8)}?q=${"x".repeat(120)}`;
    const word = "Supercalifragilistic".repeat(10);
    const code = `const line = "${"y".repeat(200)}";`;
    await chat.goto();
    await pickModel(page, "gpt-4o-mini");
    await chat.send(`Look ${url} ${word} [[reply:See ${url} and ${word}\n\n\`\`\`js\n${code}\n\`\`\`]]`);
    await chat.waitForAnswer();

    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(fits, "the page must not scroll sideways").toBe(true);
    for (const bubble of [chat.userMessages().last().locator("div").first(), chat.lastAssistant().locator("div").first()]) {
      const box = await bubble.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      expect(await bubble.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    }
    await expect(chat.lastAssistant()).toContainText("averyveryverylongpathsegment");
    // The long code line scrolls inside the code block (in whichever element of it scrolls), which itself fits.
    const block = chat.lastAssistant().getByTestId("code-block");
    const blockBox = await block.boundingBox();
    expect(blockBox!.x + blockBox!.width).toBeLessThanOrEqual(390);
    const scrollsInside = await block.evaluate((el) =>
      [el, ...el.querySelectorAll("*")].some((node) => node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflowX !== "visible"),
    );
    expect(scrollsInside).toBe(true);

    // The drawer: headings, search and the "…" menu (always shown on a touch-size screen).
    const history = await ChatHistory.openDrawer(page);
    await expect(history.headings()).toHaveText(["Today"]);
    await expect(history.search()).toBeVisible();
    await expect(history.items().first().getByTestId("conversation-menu")).toBeVisible();
    await history.items().first().getByTestId("conversation-menu").click();
    await expect(page.getByRole("menuitem", { name: "Delete" })).toBeVisible();
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  test("the total keeps an answer replaced by Regenerate and says how much of it that is", async ({ page }) => {
    await signUpWithKey(page, "regen");
    const chat = new ChatPage(page);
    await chat.goto();
    await pickModel(page, "gpt-4o-mini");
    // gpt-4o-mini: 800×$0.15 + 200×$0.075 + 500×$0.60 per MTok = $0.000435 per answer.
    await chat.send("Hi [[reply:First.]] [[usage:prompt=1000,completion=500,cached=200]]");
    await chat.waitForAnswer();
    await chat.regenerate();
    await chat.waitForAnswer();
    await expect(page.getByTestId("conversation-replaced")).toHaveText("(incl. $0.00044 for replaced answers)", { timeout: 15_000 });

    // The header's total is the server's sum of the conversation's usage events (both answers and the title).
    const id = chat.conversationId()!;
    await expect(async () => {
      const detail = await (await page.request.get(`/api/conversations/${id}`)).json();
      expect(detail.conversation.totalCostNano).toBeGreaterThanOrEqual(2 * 435_000);
      expect(detail.conversation.replacedCostNano).toBe(435_000);
      await expect(chat.total()).toHaveText(formatUsd(detail.conversation.totalCostNano), { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await page.reload();
    await expect(page.getByTestId("conversation-replaced")).toHaveText("(incl. $0.00044 for replaced answers)");
  });
});
