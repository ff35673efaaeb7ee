import { expect, test } from "@playwright/test";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { ChatPage } from "./pages/chat-page";
import { DashboardPage } from "./pages/dashboard-page";
import { SettingsPage } from "./pages/settings-page";

test.describe("dashboard", () => {
  test("a user sees their charts after chatting, changes the range in the URL, and exports CSV", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("dash"), password: PASSWORD });
    const dashboard = new DashboardPage(page);
    await expect(dashboard.empty()).toBeVisible();

    const settings = new SettingsPage(page);
    await settings.open("keys");
    await settings.addKey("openai", "sk-test-e2e-dashboard-0001");
    await expect(page.getByTestId("key-result")).toContainText("verified");

    const chat = new ChatPage(page);
    await chat.goto();
    await chat.pickModel("openai:gpt-4o-mini");
    // 800×$0.15 + 200×$0.075 + 500×$0.60 per MTok = $0.000435 each
    await chat.send("One [[reply:First.]] [[usage:prompt=1000,completion=500,cached=200]]");
    await chat.waitForAnswer();
    await chat.send("Two [[reply:Second.]] [[usage:prompt=1000,completion=500,cached=200]]");
    await chat.waitForAnswer();

    await dashboard.goto();
    await expect(dashboard.card("spend")).toBeVisible();
    // Two answers plus the title call: at least $0.00087.
    await expect(async () => expect(await dashboard.spendText()).toMatch(/^\$0\.000(8[7-9]|9\d)\d*$|^\$0\.001/)).toPass({ timeout: 20_000 });
    await expect(dashboard.spendChart()).toBeVisible();
    // The days are the user's own, and the page says in which zone.
    await expect(dashboard.rangeCaption()).toContainText(/Days in \S/);
    // Charts tell the truth: bars per day, no axis label twice, a legend that toggles, exact amounts in the tooltip.
    await expect(dashboard.spendBars().first()).toBeVisible();
    const labels = await dashboard.spendAxisLabels();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(labels).size, labels.join(", ")).toBe(labels.length);
    await dashboard.spendBars().last().hover();
    await expect(dashboard.spendTooltip()).toContainText(/\$0\.00\d{2,}/); // exact: more digits than cents
    const openai = dashboard.legendItem("OpenAI");
    await expect(openai).toHaveAttribute("aria-pressed", "true");
    await openai.focus();
    await page.keyboard.press("Enter");
    await expect(openai).toHaveAttribute("aria-pressed", "false");
    await expect(dashboard.spendBars()).toHaveCount(0);
    await page.keyboard.press("Space");
    await expect(openai).toHaveAttribute("aria-pressed", "true");
    await expect(dashboard.spendBars().first()).toBeVisible();
    await expect(dashboard.breakdownTable()).toContainText("gpt-4o-mini");
    await expect(dashboard.recentRows()).toHaveCount(3, { timeout: 15_000 });
    // Which caller made the calls: the chat, for all three (the breakdown's source tab and the recent requests).
    await page.getByTestId("breakdown-tab-source").click();
    await expect(page.getByTestId("breakdown-tab-source")).toHaveAttribute("aria-selected", "true");
    await expect(dashboard.breakdownRow("chat")).toContainText("Chat");
    await expect(dashboard.breakdownRows()).toHaveCount(1);
    await expect(dashboard.recentRows().getByTestId("recent-source")).toHaveText(["Chat", "Chat", "Chat"]);

    await dashboard.pickRange("7d");
    await expect(page).toHaveURL(/[?&]range=7d/);
    await dashboard.pickRange("today");
    await expect(page).toHaveURL(/[?&]range=today/);
    await page.reload();
    await expect(dashboard.rangeButton("today")).toHaveAttribute("aria-pressed", "true");

    const href = await dashboard.exportHref();
    expect(href).toContain("range=today");
    const csv = await page.request.get(href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines.length).toBe(4); // header + 3 calls
    expect(lines.slice(1).every((line) => line.includes("gpt-4o-mini"))).toBe(true);
    // The newest columns last: the caller (source), the user's team (empty: no team), the API token's name.
    expect(lines[0]!.trim().split(",").slice(-3)).toEqual(["source", "team", "api_token_name"]);
    expect(lines.slice(1).map((line) => line.trim().split(",").at(-3))).toEqual(["chat", "chat", "chat"]);
  });

  test("a non-admin is refused the admin pages and APIs", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("nonadmin"), password: PASSWORD });
    for (const path of ["/admin", "/admin/audit", "/admin/users/00000000-0000-4000-8000-000000000000"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
    }
    for (const path of ["/api/admin/users", "/api/admin/usage/summary", "/api/admin/audit"]) {
      expect((await page.request.get(path)).status(), path).toBe(403);
    }
  });
});
