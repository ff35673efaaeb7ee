import { expect, test, type Page } from "@playwright/test";
import { DEMO_ADMIN, DEMO_USER, firstConversation, newDemoPage, signInAs, staticPages } from "./pages/app-pages";

// Against the demo server (see playwright.config.ts): ada@ is its admin, grace@ a user, each with conversations.
// Every page has its own title ("<page> · Spendboard", none left at the bare default), a conversation's page is titled
// by the conversation — only for its owner —, and the icons the pages link to (and /favicon.ico) all load.
const SUFFIX = " · Spendboard";

/** Any icon or favicon response that failed, on every page the browser loads. */
function watchIcons(page: Page, failures: string[]) {
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (/(^\/favicon\.ico$|icon)/.test(url.pathname) && response.status() >= 400) failures.push(`${response.status()} ${url.pathname}`);
  });
}

/** Opens the page, waits for its title, checks the icons it links to, and returns the title. */
async function titleOf(page: Page, path: string, failures: string[]): Promise<string> {
  const response = await page.goto(path);
  expect(response?.status(), `${path} answers`).toBeLessThan(400);
  await page.waitForLoadState("networkidle");
  const icons = await page.locator('head link[rel~="icon"], head link[rel="apple-touch-icon"]').evaluateAll((links) =>
    links.map((l) => l.getAttribute("href") ?? ""),
  );
  expect(icons.length, `${path} links an icon`).toBeGreaterThan(0);
  for (const href of icons) {
    const icon = await page.request.get(href);
    if (!icon.ok()) failures.push(`${icon.status()} ${href} (linked from ${path})`);
    else expect(icon.headers()["content-type"], href).toMatch(/^image\//);
  }
  await expect(page).toHaveTitle(/\S/);
  return page.title();
}

function expectOwnTitles(titles: Record<string, string>) {
  for (const [path, title] of Object.entries(titles)) {
    expect(title, `${path} has its own title`).toMatch(new RegExp(`^\\S.*${SUFFIX}$`));
    expect(title, `${path} is not the default title`).not.toBe("Spendboard");
    expect(title, `${path} names the app once`).not.toMatch(/Spendboard.*Spendboard/);
  }
  const byTitle = new Map<string, string[]>();
  for (const [path, title] of Object.entries(titles)) byTitle.set(title, [...(byTitle.get(title) ?? []), path]);
  const shared = [...byTitle].filter(([, paths]) => paths.length > 1);
  expect(shared, "pages that share a title").toEqual([]);
}

test("every page has its own title and its icons load, signed out, as a user and as an admin", async ({ browser }) => {
  test.setTimeout(180_000);
  const failures: string[] = [];
  const titles: Record<string, string> = {};
  const pages = staticPages();
  expect(pages.user).toEqual(expect.arrayContaining(["/chat", "/dashboard", "/settings", "/assistants"]));
  expect(pages.admin).toEqual(expect.arrayContaining(["/admin", "/admin/models", "/admin/audit", "/admin/settings", "/admin/teams"]));

  const visitor = await newDemoPage(browser);
  watchIcons(visitor, failures);
  for (const path of pages.signedOut) titles[`${path} (signed out)`] = await titleOf(visitor, path, failures);
  const favicon = await visitor.request.get("/favicon.ico");
  expect(favicon.status(), "/favicon.ico").toBe(200);
  expect(favicon.headers()["content-type"]).toMatch(/^image\//);

  const user = await newDemoPage(browser);
  watchIcons(user, failures);
  await signInAs(user, DEMO_USER);
  const ownConversation = await firstConversation(user);
  const listed = await user.locator(`a[href="${ownConversation}"]`).first().innerText();
  for (const path of [...pages.user, ownConversation]) titles[`${path} (user)`] = await titleOf(user, path, failures);
  // The conversation's own title, as the history lists it.
  const conversationTitle = titles[`${ownConversation} (user)`]!.slice(0, -SUFFIX.length);
  expect(["New chat", "Conversation"]).not.toContain(conversationTitle);
  expect(listed).toContain(conversationTitle);

  const admin = await newDemoPage(browser);
  watchIcons(admin, failures);
  await signInAs(admin, DEMO_ADMIN);
  await admin.goto("/admin");
  const userPage = await admin.getByTestId("user-link").filter({ hasText: /grace/i }).first().getAttribute("href");
  expect(userPage).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
  for (const path of [...pages.admin, userPage!]) titles[`${path} (admin)`] = await titleOf(admin, path, failures);
  expect(titles[`${userPage} (admin)`]).toBe(`Grace (demo) · Admin${SUFFIX}`);

  // Someone else's conversation id says nothing about it in the title.
  await admin.goto(ownConversation);
  await expect(admin).toHaveTitle(`Conversation${SUFFIX}`);

  console.log("titles:", titles);
  expectOwnTitles(titles);
  expect(failures, "icon requests that failed").toEqual([]);
});
