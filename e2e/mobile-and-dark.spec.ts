import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { DEMO_ADMIN, DEMO_URL, DEMO_USER, firstConversation, newDemoPage, signInAs, staticPages } from "./pages/app-pages";

// Against the demo server (see playwright.config.ts): its database is full (tables with rows, charts, history), which
// is where a phone layout breaks. ada@ is its admin and grace@ a user, so every page can be visited.
test.use({ baseURL: DEMO_URL });

const ADMIN = DEMO_ADMIN;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const THEME_KEY = "spendboard-theme";

async function signIn(page: Page) {
  await signInAs(page, ADMIN);
}

/** Waits until the page's data has loaded (no dashboard panel busy, no "Loading…" history). */
async function settled(page: Page) {
  await page.waitForLoadState("load");
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
}

/**
 * Switches the emulated system theme. A page that follows the system (the header's theme control listens) changes
 * in place; one without that listener (the signed-out pages) is loaded again.
 */
async function switchTheme(page: Page, theme: "light" | "dark") {
  await page.emulateMedia({ colorScheme: theme });
  const followed = await page
    .waitForFunction((dark) => document.documentElement.classList.contains("dark") === dark, theme === "dark", { timeout: 2_000 })
    .then(() => true, () => false);
  if (!followed) {
    await page.reload();
    await settled(page);
  }
}

function isDark(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.classList.contains("dark"));
}

/**
 * Serious findings known and accepted, skipped only where listed (the phone test fails once one no longer occurs, so
 * the entry goes with the fix). None today: every table scroller is a focusable, labelled region, and no field is
 * dimmed below 4.5:1.
 */
const KNOWN: { name: string; rule: string; target: RegExp }[] = [];

/** Serious and critical axe findings on the page as it is, less the KNOWN ones (whose names are added to `seen`). */
async function axeFindings(page: Page, seen: Set<string>): Promise<string[]> {
  // Only violations are read: axe skips collecting the passes and incomplete results (a large part of its time).
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).options({ resultTypes: ["violations"] }).analyze();
  const bad: string[] = [];
  for (const violation of results.violations) {
    if (violation.impact !== "serious" && violation.impact !== "critical") continue;
    for (const node of violation.nodes) {
      const target = node.target.join(" ");
      const known = KNOWN.find((k) => k.rule === violation.id && k.target.test(target));
      if (known) seen.add(known.name);
      else bad.push(`${violation.id} (${violation.impact}): ${target}`);
    }
  }
  return bad;
}

/**
 * Each page in light and dark: no sideways scrolling (scrollWidth <= innerWidth), a full-page screenshot in the test's
 * artifacts, and no serious or critical axe finding. Soft assertions, so one run lists every page that fails.
 */
async function sweep(page: Page, paths: string[], testInfo: TestInfo, seenKnown: Set<string>) {
  const viewport = page.viewportSize()!;
  const widths: Record<string, number> = {};
  for (const path of paths) {
    // Each page is loaded once, in light, and then switched to dark in place.
    await page.emulateMedia({ colorScheme: "light" });
    const response = await page.goto(path);
    expect.soft(response?.status(), `${path} answers`).toBeLessThan(400);
    await settled(page);
    for (const theme of ["light", "dark"] as const) {
      if (theme === "dark") await switchTheme(page, "dark");
      expect.soft(await isDark(page), `${path} is in ${theme}`).toBe(theme === "dark");
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      widths[`${path} (${theme})`] = scrollWidth;
      await page.screenshot({ path: testInfo.outputPath(`${viewport.width}-${theme}${path.replace(/[^a-z0-9]+/gi, "-")}.png`), fullPage: true });
      expect.soft(scrollWidth, `${path} in ${theme} is ${scrollWidth} px wide at ${innerWidth} px`).toBeLessThanOrEqual(innerWidth);
      expect.soft(await axeFindings(page, seenKnown), `axe on ${path} in ${theme} at ${viewport.width} px`).toEqual([]);
    }
  }
  testInfo.annotations.push({ type: "scrollWidth", description: JSON.stringify(widths) });
}

const PAGES = staticPages();

for (const viewport of [PHONE, DESKTOP]) {
  test.describe(`every page at ${viewport.width}×${viewport.height}, light and dark`, () => {
    test.use({ viewport });
    test.describe.configure({ timeout: 300_000 }); // each page twice, each with an axe scan

    test("signed out", async ({ page }, testInfo) => {
      const seen = new Set<string>();
      await sweep(page, PAGES.signedOut, testInfo, seen);
    });

    test("as a user", async ({ browser }, testInfo) => {
      const page = await newDemoPage(browser, { viewport });
      await signInAs(page, DEMO_USER);
      // The settings tabs and one conversation are found on the way, so new ones are covered too.
      await page.goto("/settings");
      const tabs = await page.locator('nav[aria-label="Settings sections"] a').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
      expect(tabs.length).toBeGreaterThanOrEqual(4);
      const conversation = await firstConversation(page);
      const paths = [...new Set([...PAGES.user, conversation, "/dashboard?range=7d", ...tabs])];
      await sweep(page, paths, testInfo, new Set());
    });

    test("as an admin", async ({ browser }, testInfo) => {
      const page = await newDemoPage(browser, { viewport });
      await signInAs(page, ADMIN);
      await page.goto("/admin");
      await settled(page);
      const userPage = await page.getByTestId("user-link").first().getAttribute("href");
      expect(userPage).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
      // Admin sub-pages linked from /admin (with their query strings dropped) beside those in the file tree.
      const linked = await page
        .locator('main a[href^="/admin/"]:not([href^="/admin/users/"])')
        .evaluateAll((links) => links.map((a) => (a.getAttribute("href") ?? "").split("?")[0]!));
      const seenKnown = new Set<string>();
      await sweep(page, [...new Set([...PAGES.admin, userPage!, ...linked, "/chat", "/dashboard"])], testInfo, seenKnown);
      if (viewport === PHONE) {
        expect([...seenKnown].sort(), "a known finding is fixed: remove it from KNOWN").toEqual(KNOWN.map((k) => k.name).sort());
      }
    });
  });
}

test.describe("on a phone (390×844)", () => {
  test.use({ viewport: PHONE });

  test("the header's menu opens and navigates", async ({ page }) => {
    await signIn(page);
    await expect(page.getByTestId("nav-settings")).toBeHidden();
    await expect(page.getByTestId("sign-out")).toBeHidden();

    await page.getByTestId("menu-button").click();
    const menu = page.getByTestId("mobile-menu");
    await expect(menu).toBeVisible();
    await expect(menu).toContainText(ADMIN.email);
    await expect(menu.getByTestId("menu-nav-dashboard")).toHaveAttribute("aria-current", "page");
    await menu.getByTestId("menu-nav-settings").click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(menu).toBeHidden();

    // Esc closes it and gives focus back to the button.
    await page.getByTestId("menu-button").click();
    await expect(menu).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(menu).toBeHidden();
    await expect(page.getByTestId("menu-button")).toBeFocused();

    await page.getByTestId("menu-button").click();
    await menu.getByTestId("menu-nav-admin").click();
    await expect(page).toHaveURL(/\/admin$/);
  });

  test("the first Tab shows a skip link that moves focus to the page's content", async ({ page }) => {
    await signIn(page);
    await page.goto("/dashboard");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(page.locator("main#main")).toBeFocused();
  });

  test("the chat history is a drawer", async ({ page }) => {
    await signIn(page);
    await page.goto("/chat");
    await expect(page.getByTestId("composer-input")).toBeVisible();
    // The sidebar is not beside the conversation on a phone.
    await expect(page.getByRole("complementary", { name: "Conversations" })).toBeHidden();

    await page.getByTestId("history-button").click();
    const drawer = page.getByTestId("history-drawer");
    await expect(drawer).toBeVisible();
    const first = drawer.getByTestId("conversation-link").first();
    await expect(first).toBeVisible();
    const href = await first.getAttribute("href");
    await first.click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await expect(drawer).toBeHidden();
    await expect(page.getByTestId("message-assistant").first()).toBeVisible();
  });
});

test.describe("dark mode", () => {
  test("follows the system while no choice is stored", async ({ page }) => {
    await signIn(page);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/dashboard");
    expect(await isDark(page)).toBe(true);
    expect(await page.evaluate((key) => localStorage.getItem(key), THEME_KEY)).toBeNull();

    // A change of the system's setting applies at once, without a reload.
    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(() => isDark(page)).toBe(false);
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => isDark(page)).toBe(true);
  });

  test("the header's toggle switches, is remembered across a reload, and can go back to the system", async ({ page }) => {
    await signIn(page);
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto("/dashboard");
    expect(await isDark(page)).toBe(false);
    const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await page.getByTestId("theme-toggle").click();
    await page.getByTestId("theme-dark").click();
    await expect.poll(() => isDark(page)).toBe(true);
    expect(await page.evaluate((key) => localStorage.getItem(key), THEME_KEY)).toBe("dark");
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(lightBackground);

    // Set by the inline script before the page is shown, not after hydration: no light flash.
    await page.reload({ waitUntil: "domcontentloaded" });
    expect(await isDark(page)).toBe(true);
    await page.goto("/chat");
    expect(await isDark(page)).toBe(true);

    // A stored choice wins over the system; "System" forgets it.
    await page.getByTestId("theme-toggle").click();
    await page.getByTestId("theme-system").click();
    await expect.poll(() => isDark(page)).toBe(false);
    expect(await page.evaluate((key) => localStorage.getItem(key), THEME_KEY)).toBeNull();
  });
});

test.describe("accessibility (axe) on a wide screen", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  for (const theme of ["light", "dark"] as const) {
    test(`/chat and /dashboard have no serious or critical findings in ${theme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await signIn(page);
      for (const path of ["/chat", "/dashboard"]) {
        await page.goto(path);
        await settled(page);
        expect(await isDark(page)).toBe(theme === "dark");
        expect(await axeFindings(page, new Set()), `${path} in ${theme}`).toEqual([]);
      }
    });
  }
});
