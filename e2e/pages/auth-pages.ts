import { expect, type Page } from "@playwright/test";

export const PASSWORD = "e2e-password-123";

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export class RegisterPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/register${query}`);
    await expect(this.page.getByTestId("register-form")).toBeVisible();
  }

  async fill({ name, email, password }: { name?: string; email: string; password: string }) {
    if (name) await this.page.getByLabel("Name (optional)").fill(name);
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
  }

  async submit() {
    await this.page.getByTestId("register-submit").click();
  }

  async register(details: { name?: string; email: string; password: string }) {
    await this.goto();
    await this.fill(details);
    await this.submit();
    await expect(this.page).toHaveURL(/\/dashboard$/);
  }

  fieldError(field: "email" | "password" | "name") {
    return this.page.getByTestId(`${field}-error`);
  }
}

export class LoginPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/login${query}`);
    await expect(this.page.getByTestId("sign-in-form")).toBeVisible();
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByTestId("sign-in-submit").click();
  }

  formError() {
    return this.page.getByTestId("form-error");
  }
}

export class AppShell {
  constructor(private readonly page: Page) {}

  nav(label: "Chat" | "Dashboard" | "Settings" | "Admin") {
    return this.page.getByTestId(`nav-${label.toLowerCase()}`);
  }

  currentUser() {
    return this.page.getByTestId("current-user");
  }

  adminBadge() {
    return this.page.getByTestId("admin-badge");
  }

  async signOut() {
    await this.page.getByTestId("sign-out").click();
    await expect(this.page).toHaveURL(/\/login/);
  }
}
