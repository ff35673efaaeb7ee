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
  await expect(page.getByTestId("account-role")).toHaveText("admin");

  await shell.signOut();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);

  const login = new LoginPage(page);
  await login.signIn(email, PASSWORD);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(shell.nav("Admin")).toBeVisible();
});
