import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, type Browser, type Page } from "@playwright/test";
import { LoginPage } from "./auth-pages";

/** The demo server (see playwright.config.ts): its database was filled by `db:seed-demo`. */
export const DEMO_URL = `http://127.0.0.1:${process.env.E2E_DEMO_PORT ?? 3101}`;
export const DEMO_ADMIN = { email: "ada@demo.spendboard.test", password: "demo-password-1" };
export const DEMO_USER = { email: "grace@demo.spendboard.test", password: "demo-password-1" };

/**
 * Pages the page sweeps leave out, with the reason: / only redirects; /pending is seen only by an account waiting for
 * approval (e2e/registration-policy.spec.ts); /team answers 404 unless the viewer is a team admin
 * (e2e/teams.spec.ts visits it as one, at 390 px).
 */
const NOT_SWEPT = new Set(["/", "/pending", "/team"]);

/**
 * Every page without a parameter in the file tree ("/admin/models", "/settings"…), grouped by who sees it, so a new
 * page is covered the moment it exists. Pages with an id (/chat/<id>, /admin/users/<id>) are found by the specs.
 */
export function staticPages(): { signedOut: string[]; user: string[]; admin: string[] } {
  const all = readdirSync("app", { recursive: true, encoding: "utf8" })
    .filter((file) => path.basename(file) === "page.tsx" && !file.includes("["))
    .map((file) => "/" + path.dirname(file).split(path.sep).filter((part) => part !== "." && !/^\(.*\)$/.test(part)).join("/"));
  const pages = [...new Set(all)].filter((p) => !NOT_SWEPT.has(p)).sort();
  const signedOut: string[] = pages.filter((p) => p === "/login" || p === "/register");
  const admin = pages.filter((p) => p === "/admin" || p.startsWith("/admin/"));
  const user = pages.filter((p) => !signedOut.includes(p) && !admin.includes(p));
  return { signedOut, user, admin };
}

export async function newDemoPage(browser: Browser, options: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: DEMO_URL, ...options });
  return context.newPage();
}

export async function signInAs(page: Page, who: { email: string; password: string }) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(who.email, who.password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** One of the signed-in user's conversations ("/chat/<id>"), from the history in the page. */
export async function firstConversation(page: Page): Promise<string> {
  await page.goto("/chat");
  const href = await page.locator('a[href^="/chat/"]').first().getAttribute("href");
  expect(href).toMatch(/^\/chat\/[0-9a-f-]{36}$/);
  return href!;
}
