import { expect, type Locator, type Page } from "@playwright/test";

/**
 * The searchable model picker (chat, settings, assistants): opens the list, searches the model id and picks it.
 * `ref` is a model ref ("openai:gpt-4o-mini"), or "" for the picker's "default" choice where it has one.
 */
export async function pickModel(page: Page, trigger: Locator, ref: string) {
  await expect(trigger).toBeEnabled();
  await trigger.click();
  const list = page.getByTestId("model-picker-list");
  if (ref === "") {
    await list.getByTestId("model-option-none").click();
  } else {
    await list.getByRole("combobox", { name: "Search models" }).fill(ref.split(":").at(-1)!);
    await list.locator(`[data-testid="model-option"][data-model="${ref}"]`).click();
  }
  await expect(list).toBeHidden();
  await expect(trigger).toHaveAttribute("data-value", ref);
}
