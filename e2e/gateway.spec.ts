import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";
import { DashboardPage } from "./pages/dashboard-page";
import { SettingsPage } from "./pages/settings-page";

/**
 * Metering another app: a token created in the browser, the official OpenAI client pointed at the gateway with it
 * (the app server forwards to the fake upstream with the user's own key), and the call on the dashboard under the
 * gateway source and the feature the client named.
 */
test.describe("gateway", () => {
  test("create a token, call the gateway from the OpenAI client, see the call on the dashboard", async ({ page, baseURL }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("gateway"), password: PASSWORD });
    const settings = new SettingsPage(page);
    await settings.open("keys");
    await settings.addKey("openai", "sk-test-e2e-gateway-0001");
    await expect(page.getByTestId("key-result")).toContainText("verified");

    await page.goto("/settings?tab=tokens");
    await page.getByTestId("create-token-form").getByLabel("Name").fill("e2e gateway");
    await page.getByTestId("create-token").click();
    const token = (await page.getByTestId("new-token-value").textContent())!;
    expect(token).toMatch(/^sb_/);

    const client = new OpenAI({ apiKey: token, baseURL: `${baseURL}/api/v1`, defaultHeaders: { "x-spendboard-feature": "nightly-report" } });
    const answer = await client.chat.completions.create({
      model: "openai:gpt-4o-mini",
      messages: [{ role: "user", content: "Report [[reply:All systems normal.]] [[usage:prompt=2000,completion=100]]" }],
    });
    expect(answer.choices[0]!.message.content).toBe("All systems normal.");
    let streamed = "";
    for await (const chunk of await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Stream [[reply:a b c]]" }] })) {
      streamed += chunk.choices[0]?.delta.content ?? "";
    }
    expect(streamed).toBe("a b c");

    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await expect(dashboard.recentRows()).toHaveCount(2, { timeout: 15_000 });
    await expect(dashboard.recentRows().getByTestId("recent-source")).toHaveText(["API gateway", "API gateway"]);
    await page.getByTestId("breakdown-tab-source").click();
    await expect(dashboard.breakdownRow("gateway")).toContainText("API gateway");
    await expect(dashboard.breakdownRows()).toHaveCount(1);
    await page.getByTestId("breakdown-tab-feature").click();
    await expect(dashboard.breakdownTable()).toContainText("nightly-report");
  });
});
