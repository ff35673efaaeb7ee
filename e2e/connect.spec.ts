import { expect, test } from "@playwright/test";
import { parseCurlSnippet } from "../tests/support/curl";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { DashboardPage } from "./pages/dashboard-page";
import { SettingsPage } from "./pages/settings-page";

/**
 * Connect an app: a token created on the page fills the snippets; the copied curl snippets (the gateway's chat
 * completions and /api/track) are sent from the test as they read; the dashboard shows both calls with the token's
 * name in recent requests, and the reported skill in the skills table.
 */
test.describe("connect an app", () => {
  test("create a token on the page, run the copied curl snippets, see the calls under the token and the skill", async ({ page, context, baseURL }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
    await new RegisterPage(page).register({ email: uniqueEmail("connect"), password: PASSWORD });
    const settings = new SettingsPage(page);
    await settings.open("keys");
    await settings.addKey("openai", "sk-test-e2e-connect-0001");
    await expect(page.getByTestId("key-result")).toContainText("verified");

    await page.getByTestId("nav-connect").click();
    await expect(page).toHaveURL(/\/connect$/);
    await expect(page.getByTestId("connect-base-url")).toHaveText(baseURL!);
    // Before a token: the placeholder.
    await expect(page.getByTestId("snippet-curl-openai").getByTestId("snippet-code")).toContainText("Bearer sb_...");

    await page.getByTestId("connect-create-token-form").getByLabel("Name").fill("e2e connect app");
    await page.getByTestId("connect-create-token").click();
    const token = (await page.getByTestId("connect-new-token-value").textContent())!;
    expect(token).toMatch(/^sb_/);
    await expect(page.getByTestId("connect-token-picker")).toHaveValue("new");
    await expect(page.getByTestId("connect-token-picker").locator("option:checked")).toContainText("e2e connect app");

    // The copy button copies exactly the snippet shown, filled with the new token and this deployment's URL.
    const copy = async (id: string) => {
      await page.getByTestId(`copy-${id}`).click();
      await expect(page.getByTestId(`copy-${id}`)).toContainText("Copied");
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(await page.getByTestId(`snippet-${id}`).getByTestId("snippet-code").textContent());
      return copied;
    };
    const curl = await copy("curl-openai");
    expect(curl).toContain(`${baseURL}/api/v1/chat/completions`);
    expect(curl).toContain(`Bearer ${token}`);

    // Run what was copied, as curl would send it.
    const send = async (code: string) => {
      const { url, headers, body } = parseCurlSnippet(code);
      const response = await fetch(url, { method: "POST", headers, body });
      expect(response.status, await response.clone().text()).toBe(200);
      return response.json();
    };
    expect(await send(curl)).toMatchObject({ object: "chat.completion" });
    expect(await send(await copy("track-curl"))).toMatchObject({ accepted: 1, duplicates: 0 });

    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await expect(dashboard.recentRows()).toHaveCount(2, { timeout: 15_000 });
    await expect(dashboard.recentRows().getByTestId("recent-token")).toHaveText(["e2e connect app", "e2e connect app"]);
    const skill = page.getByTestId("skills").locator('[data-testid="skill-row"][data-skill="pdf-summary"]');
    await expect(skill).toBeVisible();
    await expect(skill.getByTestId("skill-uses")).toHaveText("1");
    await expect(skill.getByTestId("skill-model")).toHaveText("claude-sonnet-4-5");
  });
});
