import { expect, test, type Browser, type Page } from "@playwright/test";
import { AdminPage } from "./pages/admin-page";
import { LoginPage, PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { ChatPage } from "./pages/chat-page";
import { DashboardPage } from "./pages/dashboard-page";
import { SettingsPage } from "./pages/settings-page";

// Runs against the second server, whose database `npm run db:seed-demo` filled (see playwright.config.ts):
// ada@demo.spendboard.test is its admin, with grace@ and linus@ as users, a month of usage each.
const ADMIN = { email: "ada@demo.spendboard.test", password: "demo-password-1" };

async function signIn(page: Page, email: string, password: string) {
  await new LoginPage(page).goto();
  await new LoginPage(page).signIn(email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test("screenshots of /dashboard and /admin with the demo data", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 1100 });
  await signIn(page, ADMIN.email, ADMIN.password);
  const dashboard = new DashboardPage(page);
  await dashboard.goto("?range=30d");
  await dashboard.settled();
  await expect(dashboard.spendChart().locator("svg").first()).toBeVisible();
  await expect(dashboard.recentRows().first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });
  await page.screenshot({ path: "e2e/artifacts/dashboard.png", fullPage: true });

  const admin = new AdminPage(page);
  await admin.goto();
  await admin.settled();
  await expect(admin.userRow("grace@demo.spendboard.test")).toBeVisible();
  await expect(admin.userRow("linus@demo.spendboard.test")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("admin.png"), fullPage: true });
  await page.screenshot({ path: "e2e/artifacts/admin.png", fullPage: true });

  // The demo's local model has no price: the link opens the override form filled in for it.
  await admin.unpricedRows().filter({ hasText: "llama3.2" }).getByTestId("unpriced-add-price").click();
  await expect(page).toHaveURL(/\/admin\/models\?provider=openai-compatible&model=llama3\.2$/);
  const form = page.getByTestId("price-override-form");
  await expect(form.getByLabel("Provider")).toHaveText("OpenAI-compatible (Ollama…)");
  await expect(form.getByLabel("Model id")).toHaveValue("llama3.2");
});

test("an admin sees all users, opens one, sets a cap that blocks their next chat, and disables them", async ({ page, browser }) => {
  // A member with a key who has chatted once.
  const member = await newPage(browser);
  const email = uniqueEmail("capped");
  await new RegisterPage(member).register({ email, password: PASSWORD });
  const settings = new SettingsPage(member);
  await settings.open("keys");
  await settings.addKey("openai", "sk-test-e2e-capped-0001");
  await expect(member.getByTestId("key-result")).toContainText("verified");
  const chat = new ChatPage(member);
  await chat.goto();
  await chat.pickModel("openai:gpt-4o-mini");
  await chat.send("hello [[reply:Hi.]] [[usage:prompt=10,completion=500]]");
  await chat.waitForAnswer();

  // The admin finds them, sorts and searches, opens their page and caps them far below what one answer costs.
  await signIn(page, ADMIN.email, ADMIN.password);
  const admin = new AdminPage(page);
  await admin.goto();
  await admin.sortBy("spend");
  await admin.search(email);
  await expect(admin.userRows()).toHaveCount(1);
  await admin.openUser(email);
  await expect(page).toHaveURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("usage-dashboard")).toBeVisible();
  await page.getByTestId("cap-form").getByLabel("Monthly cap (USD)").fill("0.0001");
  await page.getByTestId("save-cap").click();
  await expect(page.getByText(/cap/i).first()).toBeVisible();

  // The member's next message is refused, naming the admin's cap.
  await chat.send("one more");
  await expect(chat.error()).toContainText(/monthly cap set by an admin reached/i);

  // The member cannot raise it from their own settings: their budget form has no effect on the cap.
  await settings.open("budget");
  await expect(member.getByText(/admin cap/i).first()).toBeVisible();

  // Disabled: the member's session stops working and they cannot sign in again.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId("disable-user").click();
  await expect(page.getByTestId("user-status")).toContainText(/disabled/i);
  await member.goto("/dashboard");
  await expect(member).toHaveURL(/\/login/);
  await new LoginPage(member).goto();
  await new LoginPage(member).signIn(email, PASSWORD);
  await expect(new LoginPage(member).formError()).toContainText(/disabled/i);

  // Every change is in the audit log.
  await page.goto("/admin/audit");
  await expect(page.locator('[data-testid="audit-row"][data-action="user.cap_set"]').filter({ hasText: email })).toHaveCount(1);
  await expect(page.locator('[data-testid="audit-row"][data-action="user.disabled"]').filter({ hasText: email })).toHaveCount(1);
});
