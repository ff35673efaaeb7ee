import { expect, test, type Locator, type Page } from "@playwright/test";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { ChatPage } from "./pages/chat-page";

/**
 * Issue 12's keyboard-only journey: no mouse at all. Fields are reached with Tab (which proves they are in the tab
 * order), pages with the command palette (Ctrl+K), the answer is stopped with Esc and a new chat starts with
 * Ctrl+Shift+O.
 */

/** Presses Tab until `target` has the focus (fails if it is not reachable within `max` presses). */
async function tabTo(page: Page, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

/** Opens the palette, types `search` and runs the highlighted command with Enter. */
async function runCommand(page: Page, search: string, expectHighlighted: Locator) {
  await page.keyboard.press("Control+k");
  const palette = page.getByTestId("command-palette");
  await expect(palette).toBeVisible();
  await expect(palette.getByRole("combobox", { name: "Command palette" })).toBeFocused();
  await page.keyboard.type(search);
  await expect(expectHighlighted).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(palette).toBeHidden();
}

test("keyboard only: register, add a key, pick a model in the palette, chat, stop with Esc, new chat, dashboard", async ({ page }) => {
  test.setTimeout(150_000); // one long journey: register, key check, two answers' worth of pages
  // Register.
  await page.goto("/register");
  await tabTo(page, page.getByLabel("Email"));
  await page.keyboard.type(uniqueEmail("keyboard"));
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });

  // Settings → API keys through the palette; the provider select is reachable, OpenAI is its first choice.
  const palette = page.getByTestId("command-palette");
  await runCommand(page, "API keys", palette.locator('[data-value="page:/settings?tab=keys"]'));
  await expect(page).toHaveURL(/\/settings\?tab=keys$/);
  const form = page.getByTestId("add-key-form");
  await tabTo(page, form.getByLabel("Provider"));
  await expect(form.getByLabel("Provider")).toContainText("OpenAI");
  await tabTo(page, form.getByLabel(/API key/));
  await page.keyboard.type("sk-test-e2e-keyboard-0001");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("key-result")).toContainText("OpenAI key saved and verified");

  // Pick a model in the palette: it opens a new chat with that model.
  await runCommand(page, "gpt-4.1-mini", palette.locator('[data-value="model:openai:gpt-4.1-mini"]'));
  await expect(page).toHaveURL(/\/chat$/);
  const chat = new ChatPage(page);
  await expect(chat.modelPicker()).toHaveAttribute("data-value", "openai:gpt-4.1-mini");
  await expect(chat.modelPicker()).toHaveAccessibleName("Model");

  // Chat, and stop the slow answer with Esc.
  await tabTo(page, chat.input());
  await page.keyboard.type("Count slowly [[delay:250]] [[reply:one two three four five six seven eight nine ten eleven twelve thirteen fourteen]]");
  await page.keyboard.press("Enter");
  await expect(chat.chat()).toHaveAttribute("data-status", "streaming");
  await expect(chat.lastAssistant()).toContainText("two", { timeout: 15_000 });
  await page.keyboard.press("Escape");
  await expect(chat.chat()).toHaveAttribute("data-status", "ready");
  await expect(chat.costLine()).toContainText(/stopped/i, { timeout: 15_000 });
  const partial = await chat.lastAssistantText();
  expect(partial).not.toContain("fourteen");
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);

  // A new chat with Ctrl+Shift+O; the model picker works from the keyboard too.
  await page.keyboard.press("Control+Shift+O");
  await expect(page).toHaveURL(/\/chat$/);
  await expect(chat.userMessages()).toHaveCount(0);
  await tabTo(page, chat.modelPicker());
  await page.keyboard.press("Enter");
  const list = page.getByTestId("model-picker-list");
  await expect(list.getByRole("combobox", { name: "Search models" })).toBeFocused();
  await page.keyboard.type("gpt-4o-mini");
  await expect(list.locator('[data-value="openai:gpt-4o-mini"]')).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(list).toBeHidden();
  await expect(chat.modelPicker()).toHaveAttribute("data-value", "openai:gpt-4o-mini");
  await expect(chat.modelPicker()).toBeFocused();

  // The stopped conversation is in the palette's recent list; the dashboard is one command away.
  await runCommand(page, "Dashboard", palette.locator('[data-value="page:/dashboard"]'));
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("the header's search button opens the palette (with the shortcut shown), and the phone menu's entry does too", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /hydrat|#418|#423|#425/i.test(message.text())) problems.push(message.text());
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await new RegisterPage(page).register({ email: uniqueEmail("palette-button"), password: PASSWORD });
  const palette = page.getByTestId("command-palette");
  const button = page.getByRole("button", { name: "Search and commands" });
  await expect(button).toBeVisible();
  await expect(button).toHaveAttribute("aria-keyshortcuts", "Control+K Meta+K");
  // Decided in the browser after hydration: this Chromium is not on a Mac.
  await expect(button.getByTestId("palette-hint")).toHaveText("Ctrl K");
  await button.click();
  await expect(palette).toBeVisible();
  await expect(palette.getByRole("combobox", { name: "Command palette" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(palette).toBeHidden();
  // Focus goes back to the button that opened it, not to the page.
  await expect(button).toBeFocused();

  // At 390 px the header keeps to the screen (the button moves into the menu) on the pages people open most.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ["/dashboard", "/chat", "/settings", "/connect"]) {
    await page.goto(path);
    await expect(page.getByTestId("menu-button")).toBeVisible();
    await expect(page.getByTestId("palette-button")).toBeHidden();
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(fits, `${path} must not scroll sideways at 390 px`).toBe(true);
  }
  await page.getByTestId("menu-button").click();
  await page.getByTestId("mobile-menu").getByRole("button", { name: "Search and commands" }).click();
  await expect(page.getByTestId("mobile-menu")).toBeHidden();
  await expect(palette).toBeVisible();
  await expect(palette.getByRole("combobox", { name: "Command palette" })).toBeFocused();
  await page.keyboard.type("Dashboard");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(problems, "no hydration errors").toEqual([]);
});
