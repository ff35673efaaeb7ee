import { expect, type Locator, type Page } from "@playwright/test";

export type RangePresetName = "today" | "7d" | "30d" | "this_month" | "last_month" | "custom";
export type CardName = "spend" | "requests" | "tokens" | "avg" | "budget";
export type BreakdownName = "model" | "provider" | "feature" | "assistant" | "user";

/**
 * The cost dashboard (/dashboard; the same component on /admin/users/<id>). Range changes wait until every panel
 * shows the new range's numbers (no panel is busy any more).
 */
export class DashboardPage {
  constructor(private readonly page: Page) {}

  /** `query` like "range=7d" or "?range=custom&from=2026-11-01&to=2026-11-24". */
  async goto(query?: string) {
    const search = query ? (query.startsWith("?") ? query : `?${query}`) : "";
    await this.page.goto(`/dashboard${search}`);
    await expect(this.dashboard().or(this.empty())).toBeVisible();
    await this.settled();
  }

  // --- locators -------------------------------------------------------------------------------------------------

  dashboard() {
    return this.page.getByTestId("usage-dashboard");
  }

  /** The first-steps guide a new account sees instead of the dashboard. */
  empty() {
    return this.page.getByTestId("dashboard-empty");
  }

  rangeButton(preset: RangePresetName) {
    return this.page.getByTestId(`range-${preset}`);
  }

  /** "Nov 1 – 24, 2026 · Days in Europe/Berlin" */
  rangeCaption() {
    return this.page.getByTestId("range-caption");
  }

  card(name: CardName): Locator {
    return this.page.getByTestId(`card-${name}`);
  }

  /** One budget's row in the budget card ("monthly_cost", "daily_cost", "monthly_tokens"). */
  budget(kind: string) {
    return this.card("budget").getByTestId(`budget-${kind}`);
  }

  spendChart() {
    return this.page.getByTestId("spend-chart");
  }

  /** The spend chart's bars (one per series per day or hour with spend). */
  spendBars() {
    return this.spendChart().locator(".recharts-bar-rectangle");
  }

  /** The money labels of the spend chart's Y axis, bottom to top. */
  async spendAxisLabels(): Promise<string[]> {
    return (await this.spendChart().locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value").allTextContents()).map((t) => t.trim());
  }

  /** A legend entry of the spend chart: a toggle button (aria-pressed: the series is drawn). */
  legendItem(label: string) {
    return this.page.getByTestId("spend-legend").getByRole("button", { name: label });
  }

  spendTooltip() {
    return this.page.getByTestId("spend-tooltip");
  }

  breakdownTable() {
    return this.page.getByTestId("breakdown-table");
  }

  breakdownRows() {
    return this.breakdownTable().getByTestId("breakdown-row");
  }

  breakdownRow(key: string) {
    return this.breakdownRows().and(this.page.locator(`[data-key="${key}"]`));
  }

  recentTable() {
    return this.page.getByTestId("recent-table");
  }

  recentRows() {
    return this.recentTable().getByTestId("recent-row");
  }

  /** The note shown when the range has unpriced or estimated usage. */
  usageNote() {
    return this.page.getByTestId("usage-note");
  }

  // --- reads ----------------------------------------------------------------------------------------------------

  /** The total spend as displayed, e.g. "$12.40". */
  async spendText(): Promise<string> {
    return (await this.page.getByTestId("card-spend-value").innerText()).trim();
  }

  async exportHref(): Promise<string> {
    const href = await this.page.getByTestId("export-csv").getAttribute("href");
    if (!href) throw new Error("The CSV export link has no href.");
    return href;
  }

  // --- actions --------------------------------------------------------------------------------------------------

  async pickRange(preset: Exclude<RangePresetName, "custom">) {
    await this.rangeButton(preset).click();
    await expect(this.rangeButton(preset)).toHaveAttribute("aria-pressed", "true");
    await expect(this.page).toHaveURL(new RegExp(`[?&]range=${preset}(&|$)`));
    await this.settled();
  }

  /** Dates as YYYY-MM-DD, both inclusive. */
  async customRange(from: string, to: string) {
    await this.rangeButton("custom").click();
    await this.page.getByTestId("custom-from").fill(from);
    await this.page.getByTestId("custom-to").fill(to);
    await this.page.getByTestId("custom-apply").click();
    await expect(this.page).toHaveURL(new RegExp(`[?&]range=custom&from=${from}&to=${to}(&|$)`));
    await this.settled();
  }

  async stackBy(group: "provider" | "model" | "user") {
    await this.spendChart().getByTestId(`stack-${group}`).click();
    await this.settled();
  }

  async showBreakdown(by: BreakdownName) {
    await this.page.getByTestId(`breakdown-tab-${by}`).click();
    await expect(this.page.getByTestId(`breakdown-tab-${by}`)).toHaveAttribute("aria-selected", "true");
    await this.settled();
  }

  async loadMoreRecent() {
    const before = await this.recentRows().count();
    await this.page.getByTestId("recent-load-more").click();
    await expect.poll(() => this.recentRows().count()).toBeGreaterThan(before);
  }

  /** Waits until no panel is loading or showing the previous range's numbers. */
  async settled() {
    await expect(this.page.locator('main [aria-busy="true"]')).toHaveCount(0);
  }
}
