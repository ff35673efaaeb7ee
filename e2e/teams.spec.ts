import { expect, test, type Browser, type Page } from "@playwright/test";
import { AdminPage } from "./pages/admin-page";
import { LoginPage, PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";

/**
 * Teams in the browser, on the demo server (its admin's credentials are known): in invite-only mode a stranger is
 * refused; the admin creates a team with a monthly budget and invites two teammates into it; they join through their
 * links straight into the team; the admin names one a team admin, who then sees the other on /team; a member who is
 * not a team admin gets a 404. The policy is put back to open at the end.
 */
const DEMO = `http://127.0.0.1:${process.env.E2E_DEMO_PORT ?? 3101}`;
const ADMIN = { email: "ada@demo.spendboard.test", password: "demo-password-1" };

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: DEMO });
  return context.newPage();
}

async function setMode(admin: Page, mode: "open" | "invite") {
  await admin.goto("/admin/settings");
  await admin.getByTestId(`registration-mode-${mode}`).check();
  const box = admin.getByTestId("approval-required");
  if (await box.isChecked()) await box.click();
  await admin.getByTestId("save-registration-policy").click();
  await expect(admin.getByText(/Saved\. Who may join|Nothing changed\./).first()).toBeVisible();
}

async function invite(admin: Page, email: string, team: string): Promise<string> {
  await admin.goto("/admin/settings");
  const form = admin.getByTestId("create-invitation-form");
  await form.getByLabel("For email (optional)").fill(email);
  await form.getByLabel("Team", { exact: true }).selectOption({ label: team });
  await form.getByLabel("Valid for (days)").fill("7");
  await admin.getByTestId("create-invitation").click();
  const shown = admin.getByTestId("new-invitation-link");
  await expect(shown).toHaveText(/\/register\?invite=inv_/);
  return (await shown.textContent())!;
}

async function join(browser: Browser, link: string, email: string): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(link);
  await new RegisterPage(page).fill({ email, password: PASSWORD });
  await new RegisterPage(page).submit();
  await expect(page).toHaveURL(/\/dashboard$/);
  return page;
}

async function putInTeam(admin: Page, email: string, team: string, teamAdmin: boolean) {
  const users = new AdminPage(admin);
  await users.goto();
  await users.search(email);
  await users.openUser(email);
  const form = admin.getByTestId("team-assignment");
  await form.getByLabel("Team", { exact: true }).selectOption({ label: team });
  if (teamAdmin) await form.getByTestId("team-admin").check();
  await admin.getByTestId("save-team").click();
  await expect(admin.getByText(`${email} is in ${team}`).first()).toBeVisible();
}

test.describe("teams", () => {
  test("invite-only: teammates join through links into a team; the team admin sees them on /team; a stranger is refused", async ({ browser }) => {
    const admin = await newPage(browser);
    await new LoginPage(admin).goto();
    await new LoginPage(admin).signIn(ADMIN.email, ADMIN.password);
    await expect(admin).toHaveURL(/\/dashboard$/);
    try {
      await setMode(admin, "invite");
      const leadEmail = uniqueEmail("lead");
      const mateEmail = uniqueEmail("mate");

      // The admin creates the team with a monthly budget (a bad amount is refused first).
      const team = `Team ${Date.now().toString(36)}`;
      await admin.goto("/admin/settings");
      await admin.getByRole("link", { name: "Teams →" }).click();
      await expect(admin).toHaveURL(/\/admin\/teams$/);
      await admin.getByLabel("New team").fill(team);
      await admin.getByTestId("create-team").click();
      const row = admin.getByTestId(`team-row-${team}`);
      await expect(row).toBeVisible();
      await row.getByLabel(`Monthly budget of ${team} (USD)`).fill("-5");
      await row.getByRole("button", { name: "Save" }).click();
      await expect(row.getByText("Enter the team monthly budget in dollars")).toBeVisible();
      await row.getByLabel(`Monthly budget of ${team} (USD)`).fill("30");
      await row.getByRole("button", { name: "Save" }).click();
      await expect(admin.getByText(`Team ${team}: $30.00 per month`).first()).toBeVisible();

      // Invitations into the team: the teammates join through their links straight into it.
      const leadLink = await invite(admin, leadEmail, team);
      const mateLink = await invite(admin, mateEmail, team);
      const stranger = await newPage(browser);
      await stranger.goto("/register");
      await expect(stranger.getByTestId("register-notice")).toContainText("invitation-only");
      await expect(stranger.getByTestId("register-form")).toHaveCount(0);
      const lead = await join(browser, leadLink, leadEmail);
      const mate = await join(browser, mateLink, mateEmail);

      // The admin names the lead the team's admin (the mate stays a member, as the invitation made them).
      await putInTeam(admin, leadEmail, team, true);

      // The team admin sees the teammate on the team dashboard, also on a phone.
      await lead.setViewportSize({ width: 390, height: 844 });
      await lead.goto("/team");
      await expect(lead.getByRole("heading", { name: `Team ${team}` })).toBeVisible();
      await expect(lead.getByTestId(`team-member-${mateEmail}`)).toBeVisible();
      await expect(lead.getByTestId("team-budget")).toContainText("of $30.00");
      expect(await lead.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      // A member who is not a team admin, and the stranger's view of organisation settings: nothing.
      const response = await mate.goto("/team");
      expect(response?.status()).toBe(404);
      await lead.goto("/admin/settings");
      await expect(lead.getByTestId("default-budget-form")).toHaveCount(0);

      await admin.setViewportSize({ width: 390, height: 844 });
      await admin.goto("/admin/teams");
      await expect(admin.getByTestId("teams-table")).toBeVisible();
      expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await admin.setViewportSize({ width: 1280, height: 800 });
    } finally {
      await setMode(admin, "open");
    }
  });
});
