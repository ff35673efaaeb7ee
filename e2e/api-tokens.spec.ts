import { expect, test } from "@playwright/test";
import { PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";

/** Settings → API tokens in the browser: create one, see it once with a copy button, find it listed, revoke it. */
test.describe("API tokens", () => {
  test("create a token, see it once, copy it, revoke it", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await new RegisterPage(page).register({ email: uniqueEmail("tokens"), password: PASSWORD });
    await page.goto("/settings?tab=tokens");
    await expect(page.getByTestId("tab-tokens")).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("no-tokens")).toBeVisible();

    const form = page.getByTestId("create-token-form");
    // Refused input stays in the form with the field's message.
    await form.getByLabel("Monthly budget (USD, optional)").fill("-3");
    await page.getByTestId("create-token").click();
    await expect(page.getByTestId("name-error")).toBeVisible();
    await expect(page.getByTestId("monthlyUsd-error")).toContainText("dollars");
    await expect(page.getByTestId("new-token")).toHaveCount(0);

    await form.getByLabel("Name").fill("e2e script");
    await page.getByTestId("scope-track").check();
    await form.getByLabel("Monthly budget (USD, optional)").fill("5");
    await form.getByLabel("Default feature (optional)").fill("nightly-report");
    await page.getByTestId("create-token").click();

    const shown = page.getByTestId("new-token-value");
    await expect(shown).toHaveText(/^sb_[A-Za-z0-9_-]{43}$/);
    const token = (await shown.textContent())!;
    await expect(page.getByTestId("copy-token")).toBeVisible();
    await page.getByTestId("copy-token").click();
    await expect(page.getByTestId("copy-token")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    const row = page.getByTestId("token-row").filter({ hasText: "e2e script" });
    await expect(row.getByTestId("token-prefix")).toHaveText(`sb_…${token.slice(-4)}`);
    await expect(row.getByTestId("token-scopes")).toHaveText("Gateway, Track");
    await expect(row.getByTestId("token-budget")).toHaveText("budget $5.00/month");
    await expect(row.getByTestId("token-last-used")).toHaveText("never");
    await expect(row.getByTestId("token-status")).toHaveText("active");

    // Shown once: after a reload it is gone, from the page and from what the server sends.
    await page.reload();
    await expect(page.getByTestId("new-token")).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    const rsc = await (await page.request.get("/settings?tab=tokens", { headers: { RSC: "1" } })).text();
    expect(rsc).not.toContain(token);

    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByTestId("revoke-token").click();
    await expect(row.getByTestId("token-status")).toHaveText("revoked");
    await expect(row.getByTestId("revoke-token")).toHaveCount(0);
  });
});
