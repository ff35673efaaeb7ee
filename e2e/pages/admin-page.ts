import { expect, type Page } from "@playwright/test";

export type UserSortColumn = "email" | "spend" | "budget" | "pct" | "requests" | "last_active";

/** /admin: organisation totals and charts, the users table (server-side search, sort, pages), unpriced usage. */
export class AdminPage {
  constructor(private readonly page: Page) {}

  async goto(query?: string) {
    const search = query ? (query.startsWith("?") ? query : `?${query}`) : "";
    await this.page.goto(`/admin${search}`);
    await expect(this.usersTable()).toBeVisible();
    await this.settled();
  }

  usersTable() {
    return this.page.getByTestId("users-table");
  }

  userRows() {
    return this.usersTable().getByTestId("user-row");
  }

  userRow(email: string) {
    return this.userRows().filter({ has: this.page.getByTestId("user-link").getByText(email, { exact: true }) });
  }

  userCount() {
    return this.page.getByTestId("user-count");
  }

  unpricedRows() {
    return this.page.getByTestId("unpriced-table").getByTestId("unpriced-row");
  }

  /** The emails in the order the table shows them. */
  async emails(): Promise<string[]> {
    return this.userRows().evaluateAll((rows) => rows.map((row) => row.getAttribute("data-email") ?? ""));
  }

  /** Types into the search box and waits until the table shows the server's answer for it (the box is debounced). */
  async search(text: string) {
    await this.page.getByTestId("user-search").fill(text);
    await expect(this.usersTable()).toHaveAttribute("data-q", text.trim());
    await this.settled();
  }

  /** Clicks a column header: a new column sorts its natural way first (amounts high→low, email A→Z); again reverses. */
  async sortBy(column: UserSortColumn) {
    const header = this.usersTable().locator("th").filter({ has: this.page.getByTestId(`sort-${column}`) });
    const before = (await header.getAttribute("aria-sort")) ?? "none";
    await this.page.getByTestId(`sort-${column}`).click();
    await expect(header).not.toHaveAttribute("aria-sort", before);
    await expect(header).toHaveAttribute("aria-sort", /ascending|descending/);
    await this.settled();
  }

  async openUser(email: string) {
    await this.userRow(email).getByTestId("user-link").click();
    await expect(this.page).toHaveURL(/\/admin\/users\/[^/?]+/);
  }

  async settled() {
    await expect(this.page.locator('main [aria-busy="true"]')).toHaveCount(0);
  }
}
