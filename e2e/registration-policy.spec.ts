import { expect, test, type Browser, type Page } from "@playwright/test";
import { LoginPage, PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";

/**
 * Who may join, in the browser. Runs against the demo server (its admin's credentials are known; the main server's
 * admin is whoever the first-account spec created), and puts its policy back to open at the end.
 */
const DEMO = `http://127.0.0.1:${process.env.E2E_DEMO_PORT ?? 3101}`;
const ADMIN = { email: "ada@demo.spendboard.test", password: "demo-password-1" };

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: DEMO });
  return context.newPage();
}

async function setPolicy(admin: Page, mode: "open" | "invite" | "domains", approval: boolean) {
  await admin.goto("/admin/settings");
  await admin.getByTestId(`registration-mode-${mode}`).check();
  const box = admin.getByTestId("approval-required");
  if ((await box.isChecked()) !== approval) await box.click();
  await admin.getByTestId("save-registration-policy").click();
  await expect(admin.getByText(/Saved\. Who may join|Nothing changed\./).first()).toBeVisible();
}

test.describe("who may join", () => {
  test("invite-only: an admin invites a teammate, who joins through the link once; an uninvited registration is refused; approval", async ({ browser }) => {
    const admin = await newPage(browser);
    await new LoginPage(admin).goto();
    await new LoginPage(admin).signIn(ADMIN.email, ADMIN.password);
    await expect(admin).toHaveURL(/\/dashboard$/);
    try {
      await admin.goto("/admin");
      await admin.getByTestId("admin-settings-link").click();
      await expect(admin).toHaveURL(/\/admin\/settings$/);

      // Bad input gets the form's message.
      await admin.getByTestId("registration-mode-domains").check();
      await admin.getByTestId("allowed-domains").fill("example.com, *.evil");
      await admin.getByTestId("save-registration-policy").click();
      await expect(admin.getByTestId("allowedDomains-error")).toContainText("Not a domain");
      await setPolicy(admin, "invite", false);

      // An invitation for one address; the link is shown once.
      const teammate = uniqueEmail("invited");
      const form = admin.getByTestId("create-invitation-form");
      await form.getByLabel("Valid for (days)").fill("0");
      await admin.getByTestId("create-invitation").click();
      await expect(admin.getByTestId("expiresInDays-error")).toContainText("at least 1 day");
      await form.getByLabel("For email (optional)").fill(teammate);
      await form.getByLabel("Valid for (days)").fill("7");
      await admin.getByTestId("create-invitation").click();
      const shown = admin.getByTestId("new-invitation-link");
      await expect(shown).toHaveText(new RegExp(`^${DEMO.replace(/[.]/g, "\\.")}/register\\?invite=inv_[A-Za-z0-9_-]{43}$`));
      const link = (await shown.textContent())!;
      const row = admin.getByTestId("invitation-row").filter({ hasText: teammate });
      await expect(row.getByTestId("invitation-status")).toHaveText("pending");

      // A stranger without a link is refused.
      const stranger = await newPage(browser);
      await stranger.goto("/register");
      await expect(stranger.getByTestId("register-notice")).toContainText("invitation-only");
      await expect(stranger.getByTestId("register-form")).toHaveCount(0);

      // The teammate joins through the link.
      const invited = await newPage(browser);
      await invited.goto(link);
      await expect(invited.getByTestId("register-notice")).toContainText(`Create your account with ${teammate}`);
      await new RegisterPage(invited).fill({ email: teammate, password: PASSWORD });
      await new RegisterPage(invited).submit();
      await expect(invited).toHaveURL(/\/dashboard$/);

      await admin.reload();
      await expect(row.getByTestId("invitation-status")).toHaveText("used");
      await expect(row).toContainText(`by ${teammate}`);

      // The link works once.
      await stranger.goto(link);
      await expect(stranger.getByTestId("register-notice")).toContainText("already been used");
      await expect(stranger.getByTestId("register-form")).toHaveCount(0);

      // Approval: a new account waits on the waiting page and reaches no API until an admin approves it.
      await setPolicy(admin, "open", true);
      const waiting = uniqueEmail("waiting");
      const newcomer = await newPage(browser);
      await newcomer.goto("/register");
      await new RegisterPage(newcomer).fill({ email: waiting, password: PASSWORD });
      await new RegisterPage(newcomer).submit();
      await expect(newcomer).toHaveURL(/\/pending$/);
      await expect(newcomer.getByTestId("pending-message")).toContainText("waiting for an admin's approval");
      await newcomer.goto("/settings");
      await expect(newcomer).toHaveURL(/\/pending$/);
      const api = await newcomer.request.get("/api/me");
      expect(api.status()).toBe(403);
      expect((await api.json()).error.message).toContain("waiting for an admin's approval");

      // On a phone, before it is approved: the waiting page and the admin settings fit 390 px.
      await newcomer.setViewportSize({ width: 390, height: 844 });
      await admin.setViewportSize({ width: 390, height: 844 });
      await newcomer.goto("/pending");
      await expect(newcomer.getByTestId("pending-sign-out")).toBeVisible();
      await admin.goto("/admin/settings");
      await expect(admin.getByTestId("create-invitation")).toBeVisible();
      for (const page of [newcomer, admin]) {
        expect(await page.evaluate(() => document.documentElement.scrollWidth), page.url()).toBeLessThanOrEqual(390);
      }
      await admin.setViewportSize({ width: 1280, height: 800 });

      await admin.goto("/admin/settings");
      const pending = admin.getByTestId("pending-account").filter({ hasText: waiting });
      await pending.getByTestId("approve-user").click();
      await expect(admin.getByTestId("pending-account").filter({ hasText: waiting })).toHaveCount(0);

      await newcomer.getByTestId("pending-check-again").click();
      await expect(newcomer).toHaveURL(/\/dashboard$/);
      expect((await newcomer.request.get("/api/me")).status()).toBe(200);
    } finally {
      await setPolicy(admin, "open", false);
    }
  });
});
