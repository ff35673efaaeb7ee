import { expect, test } from "@playwright/test";
import { AppShell, LoginPage, PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";

// Runs first, on a database with no accounts (see playwright.config.ts).
test("the first account becomes admin, signs out and signs back in", async ({ page }) => {
  const email = uniqueEmail("first-owner");
  const shell = new AppShell(page);

  await new RegisterPage(page).register({ name: "Ada Admin", email, password: PASSWORD });
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await expect(page.getByTestId("dashboard-empty")).toContainText("Add a provider key");
  await expect(shell.currentUser()).toContainText(email);
  await expect(shell.adminBadge()).toHaveText("admin");

  await shell.nav("Admin").click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("users-table")).toContainText(email);
  await expect(page.getByTestId("users-table")).toContainText("admin");

  await shell.nav("Settings").click();
  await page.getByTestId("tab-account").click();
  await expect(page.getByTestId("account-role")).toHaveText("admin");

  await shell.signOut();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);

  const login = new LoginPage(page);
  await login.signIn(email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(shell.nav("Admin")).toBeVisible();

  // Admin → Models and prices: an override for a local model, and the system-key policy
  await shell.nav("Admin").click();
  await page.getByTestId("admin-models-link").click();
  await expect(page).toHaveURL(/\/admin\/models$/);
  await expect(page.getByTestId("price-book")).toContainText("gpt-4o-mini");
  const override = page.getByTestId("price-override-form");
  await override.getByLabel("Provider").click();
  await page.getByRole("option", { name: "OpenAI-compatible (Ollama…)" }).click();
  await override.getByLabel("Model id").fill("Llama3.2");
  await override.getByLabel("Input $/1M").fill("-1");
  await override.getByLabel("Output $/1M").fill("0");
  await page.getByTestId("save-override").click();
  await expect(page.getByTestId("input-error")).toContainText("dollars per million tokens");
  await override.getByLabel("Input $/1M").fill("0");
  await page.getByTestId("save-override").click();
  await expect(page.getByTestId("overrides")).toContainText("llama3.2");
  await expect(page.getByTestId("overrides")).toContainText("$0");

  await expect(page.getByTestId("system-key-openai")).toContainText("no");
  await page.getByTestId("toggle-system-key-openai").click();
  await expect(page.getByTestId("system-key-openai")).toContainText("allowed");
  await page.getByTestId("toggle-system-key-openai").click();
  await expect(page.getByTestId("system-key-openai")).not.toContainText("allowed");
});
