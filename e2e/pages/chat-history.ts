import { expect, type Locator, type Page } from "@playwright/test";

/**
 * The chat history (the sidebar at md and wider, the drawer on phones): rows with a "…" menu, a title search and day
 * headings. `root` narrows it to the drawer when both are in the page.
 */
export class ChatHistory {
  constructor(
    private readonly page: Page,
    private readonly root: Locator = page.locator("body"),
  ) {}

  /** The history in the phone drawer (opened from the conversation header). */
  static async openDrawer(page: Page): Promise<ChatHistory> {
    await page.getByTestId("history-button").click();
    const drawer = page.getByTestId("history-drawer");
    await expect(drawer).toBeVisible();
    return new ChatHistory(page, drawer);
  }

  items(): Locator {
    return this.root.getByTestId("conversation-item").filter({ visible: true });
  }

  item(title: string | RegExp): Locator {
    return this.items().filter({ has: this.page.getByTestId("conversation-link").getByText(title) });
  }

  headings(): Locator {
    return this.root.getByTestId("history-group").filter({ visible: true }).getByRole("heading");
  }

  search(): Locator {
    return this.root.getByTestId("conversation-search").filter({ visible: true });
  }

  async openMenu(title: string | RegExp) {
    await this.item(title).getByTestId("conversation-menu").click();
    await expect(this.page.getByRole("menu")).toBeVisible();
  }

  async rename(title: string | RegExp, newTitle: string) {
    await this.openMenu(title);
    await this.page.getByRole("menuitem", { name: "Rename" }).click();
    await this.page.getByTestId("rename-input").fill(newTitle);
    await this.page.getByTestId("rename-save").click();
    await expect(this.item(newTitle)).toBeVisible();
  }

  async remove(title: string | RegExp) {
    const row = this.item(title);
    await this.openMenu(title);
    await this.page.getByRole("menuitem", { name: "Delete" }).click();
    await this.page.getByTestId("confirm-delete").click();
    await expect(row).toHaveCount(0);
  }
}
