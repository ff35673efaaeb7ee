import { expect, test, type BrowserContext } from "@playwright/test";
import { AppShell, LoginPage, PASSWORD, RegisterPage, uniqueEmail } from "./pages/auth-pages";

/** A second browser holding a copy of this context's session cookie (a stolen or copied cookie). */
async function copySessionInto(from: BrowserContext, browser: import("@playwright/test").Browser, baseURL: string | undefined) {
  const cookies = (await from.cookies()).filter((c) => c.name.includes("session-token"));
  expect(cookies.length).toBeGreaterThan(0);
  const copy = await browser.newContext({ baseURL });
  await copy.addCookies(cookies);
  return copy;
}

test.describe("sessions can be ended", () => {
  test("after signing out in one browser, a copy of its cookie is refused by pages and the API", async ({ page, browser, baseURL }) => {
    const email = uniqueEmail("copied-cookie");
    await new RegisterPage(page).register({ email, password: PASSWORD });

    const copy = await copySessionInto(page.context(), browser, baseURL);
    const copyPage = await copy.newPage();
    await copyPage.goto("/settings?tab=account");
    await expect(copyPage.getByTestId("account-card")).toContainText(email);
    expect((await copy.request.get("/api/me")).status()).toBe(200);

    await new AppShell(page).signOut();

    const api = await copy.request.get("/api/me", { maxRedirects: 0 });
    expect(api.status()).toBe(401);
    expect((await api.json()).error.code).toBe("unauthorized");
    await copyPage.goto("/settings?tab=account");
    await expect(copyPage).toHaveURL(/\/login\?error=session_ended/);
    await expect(copyPage.getByTestId("page-error")).toContainText("Your session has ended");
    await copy.close();
  });

  test("changing the password signs out the other browser and keeps this one signed in", async ({ page, browser, baseURL }) => {
    const email = uniqueEmail("password-change");
    await new RegisterPage(page).register({ email, password: PASSWORD });
    // The other browser signs in on its own.
    const other = await browser.newContext({ baseURL });
    const otherPage = await other.newPage();
    const login = new LoginPage(otherPage);
    await login.goto();
    await login.signIn(email, PASSWORD);
    await expect(otherPage).toHaveURL(/\/dashboard$/);

    await page.goto("/settings?tab=account");
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByLabel("New password").fill("a brand new e2e password");
    await page.getByTestId("password-submit").click();
    await expect(page).toHaveURL(/\/settings\?tab=account&password=changed$/);
    await expect(page.getByTestId("password-form-ok")).toContainText("Password changed");

    // This browser is still signed in (a new session), the other one is not.
    await page.goto("/settings?tab=account");
    await expect(page.getByTestId("account-card")).toContainText(email);
    expect((await page.request.get("/api/me")).status()).toBe(200);
    expect((await other.request.get("/api/me", { maxRedirects: 0 })).status()).toBe(401);
    await otherPage.goto("/dashboard");
    await expect(otherPage).toHaveURL(/\/login\?error=session_ended/);

    // The new password is the one that works.
    await new AppShell(page).signOut();
    await login.goto();
    await login.signIn(email, PASSWORD);
    await expect(login.formError()).toHaveText("Wrong email or password.");
    await login.signIn(email, "a brand new e2e password");
    await expect(otherPage).toHaveURL(/\/dashboard$/);
    await other.close();
  });

  test("a direct POST to Auth.js's credentials callback is throttled too", async ({ page, browser, baseURL }) => {
    const email = uniqueEmail("direct-post");
    await new RegisterPage(page).register({ email, password: PASSWORD });
    // Its own client address, so these failures neither meet nor feed the address count of the rest of the suite.
    const address = `198.51.100.${Math.floor(Math.random() * 254) + 1}`;
    const client = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": address } });
    const post = async (password: string) => {
      const { csrfToken } = await (await client.request.get("/api/auth/csrf")).json();
      const response = await client.request.post("/api/auth/callback/credentials", {
        form: { email, password, csrfToken, callbackUrl: "/dashboard" },
        maxRedirects: 0,
      });
      return response.headers()["location"] ?? "";
    };
    // 5 failures are free, then each locks the account for 2^(n−5) s (a locked attempt is refused and not counted).
    // Wait out the 2, 4 and 8 s locks so that the 9th failure locks it for 16 s: long enough for a slow machine to
    // load the sign-in form below while the lock still holds.
    for (let i = 1; i <= 9; i++) {
      expect(await post("wrong password")).toMatch(/error=CredentialsSignin&code=invalid_credentials/);
      if (i >= 6 && i < 9) await page.waitForTimeout(2 ** (i - 5) * 1000 + 300);
    }
    // Locked now: even the right password is refused (before any password check), and the sign-in page says why.
    expect(await post(PASSWORD)).toMatch(/error=CredentialsSignin&code=rate_limited/);
    const login = await client.newPage();
    await login.goto("/login?error=CredentialsSignin&code=rate_limited");
    await expect(login.getByTestId("page-error")).toHaveText("Too many failed sign-ins. Try again later.");
    // The sign-in form gives the wait in seconds.
    await new LoginPage(login).signIn(email, PASSWORD);
    await expect(new LoginPage(login).formError()).toHaveText(/^Too many failed sign-ins\. Try again in \d+ seconds?\.$/);
    await client.close();
  });
});
