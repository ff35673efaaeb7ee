import { expect, test } from "@playwright/test";
import { AppShell, LoginPage, PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";

test.describe("signed out", () => {
  test("a page visit redirects to sign-in and comes back after it", async ({ page }) => {
    const email = uniqueEmail("returning");
    await new RegisterPage(page).register({ email, password: PASSWORD });
    await new AppShell(page).signOut();

    await page.goto("/settings?tab=account");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings%3Ftab%3Daccount$/);
    await new LoginPage(page).signIn(email, PASSWORD);
    await expect(page).toHaveURL(/\/settings\?tab=account$/);
    await expect(page.getByTestId("account-card")).toContainText(email);
  });

  test("API routes answer 401 JSON", async ({ request }) => {
    for (const path of ["/api/me", "/api/admin/users"]) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(401);
      expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in to continue." } });
    }
  });

  test("the health check is public and reports the embedded database", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ ok: true, database: "pglite" });
  });
});

test.describe("sign-in errors", () => {
  test("a wrong password shows an error and keeps the email", async ({ page }) => {
    const email = uniqueEmail("wrong-pass");
    await new RegisterPage(page).register({ email, password: PASSWORD });
    await new AppShell(page).signOut();

    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(email, "not-the-password");
    await expect(login.formError()).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue("");
  });

  test("an unknown email gets the same answer as a wrong password", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(uniqueEmail("nobody"), PASSWORD);
    await expect(login.formError()).toHaveText("Wrong email or password.");
  });
});

test.describe("registration errors are shown next to the field", () => {
  test("short password and malformed email", async ({ page }) => {
    const register = new RegisterPage(page);
    await register.goto();
    await register.fill({ email: "not-an-email", password: "short" });
    await register.submit();
    await expect(register.fieldError("email")).toHaveText("Enter a valid email address, like name@example.com.");
    await expect(register.fieldError("password")).toHaveText("Use at least 8 characters.");
    await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
    await expect(page).toHaveURL(/\/register$/);
  });

  test("an email that already has an account", async ({ page }) => {
    const email = uniqueEmail("duplicate");
    await new RegisterPage(page).register({ email, password: PASSWORD });
    await new AppShell(page).signOut();

    const register = new RegisterPage(page);
    await register.goto();
    await register.fill({ email: email.toUpperCase(), password: PASSWORD });
    await register.submit();
    await expect(register.fieldError("email")).toHaveText("An account with this email already exists.");
  });
});

test.describe("a second account is a plain user", () => {
  test("has no Admin link, gets a 403 page at /admin and 403 from admin APIs", async ({ page }) => {
    const email = uniqueEmail("member");
    await new RegisterPage(page).register({ email, password: PASSWORD });
    const shell = new AppShell(page);
    await expect(shell.nav("Dashboard")).toBeVisible();
    await expect(shell.nav("Admin")).toHaveCount(0);
    await expect(shell.currentUser()).toContainText(email);
    await expect(shell.adminBadge()).toHaveCount(0);

    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(page.getByTestId("forbidden")).toContainText("This page is for admins");

    const api = await page.request.get("/api/admin/users");
    expect(api.status()).toBe(403);
    expect((await api.json()).error.code).toBe("admin_required");

    const me = await page.request.get("/api/me");
    expect(me.status()).toBe(200);
    expect((await me.json()).user).toMatchObject({ email, role: "user" });
  });

  test("a new user's pages say what to do first", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("tour"), password: PASSWORD });
    await expect(page.getByTestId("dashboard-empty")).toContainText("Add a provider key");
    const shell = new AppShell(page);
    await shell.nav("Chat").click();
    await expect(page.getByTestId("no-models")).toContainText("Add a provider key in Settings first.");
    await page.getByTestId("add-key-link").click();
    await expect(page).toHaveURL(/\/settings\?tab=keys$/);
    await expect(page.getByTestId("no-keys")).toBeVisible();
  });

  test("a signed-in visit to /login goes to the dashboard", async ({ page }) => {
    await new RegisterPage(page).register({ email: uniqueEmail("signed-in"), password: PASSWORD });
    await page.goto("/login");
    await expect(page).toHaveURL(/\/dashboard$/);
  });
});
