import { readFileSync } from "node:fs";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { NewTokenPanel } from "@/components/api-tokens/new-token-panel";
import { ScopeCheckboxes } from "@/components/api-tokens/scope-checkboxes";
import { SCOPES } from "@/lib/api-tokens/scopes";

/**
 * The scope checkboxes and the "shown once — copy it" panel are one component each, used by Settings → API tokens and
 * by the Connect page, with each page's test ids (`scope-…` / `connect-scope-…`, `new-token…` / `connect-new-token…`).
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const FORMS = ["components/settings/api-tokens-form.tsx", "components/connect/create-token-inline.tsx"];

/** The opening tag of the element with this test id (fails the test when there is none). */
function tag(html: string, testId: string): string {
  const match = new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`).exec(html);
  expect(match, `an element with data-testid="${testId}"`).not.toBeNull();
  return match![0];
}

describe("API token form parts", () => {
  it("both forms use the shared scopes and new-token components and no longer write their own", () => {
    for (const file of FORMS) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      expect(source, file).toContain('from "@/components/api-tokens/scope-checkboxes"');
      expect(source, file).toContain('from "@/components/api-tokens/new-token-panel"');
      expect(source, file).not.toContain('type="checkbox"');
      expect(source, file).not.toMatch(/clipboard|CopyButton/);
    }
  });

  it("scopes: one checkbox per scope posted as `scopes`, the initial ones checked, with each page's test ids", () => {
    const settings = renderToStaticMarkup(createElement(ScopeCheckboxes, { initial: ["gateway"] }));
    for (const scope of SCOPES) {
      const box = tag(settings, `scope-${scope}`);
      expect(box).toContain('type="checkbox"');
      expect(box).toContain('name="scopes"');
      expect(box).toContain(`value="${scope}"`);
      expect(box.includes("checked"), scope).toBe(scope === "gateway");
    }
    expect(settings).toContain("Call models through Spendboard"); // descriptions written out in Settings
    expect(settings).not.toContain("scopes-error");

    const connect = renderToStaticMarkup(
      createElement(ScopeCheckboxes, { initial: ["gateway", "track"], testIdPrefix: "connect-", compact: true, errors: ["Pick at least one scope."] }),
    );
    expect(tag(connect, "connect-scope-gateway")).toContain("checked");
    expect(tag(connect, "connect-scope-track")).toContain("checked");
    expect(tag(connect, "connect-scope-read")).not.toContain("checked");
    expect(connect).not.toContain('data-testid="scope-');
    expect(tag(connect, "connect-scopes-error")).toBeTruthy();
    expect(connect).toContain("Pick at least one scope.");
  });

  it("new token: the token once, its name, a copy button, with each page's test ids", () => {
    const settings = renderToStaticMarkup(createElement(NewTokenPanel, { token: "sb_test_123", name: "CI" }));
    expect(settings).toContain("shown only this once");
    expect(settings).toContain("“CI”");
    expect(settings).toMatch(/data-testid="new-token-value"[^>]*>sb_test_123</);
    expect(tag(settings, "copy-token")).toMatch(/^<button/);
    expect(tag(settings, "new-token")).toContain('role="status"');

    const connect = renderToStaticMarkup(
      createElement(NewTokenPanel, { token: "sb_test_456", name: "app", note: "It is also filled into the snippets below.", testIdPrefix: "connect-" }),
    );
    expect(connect).toMatch(/data-testid="connect-new-token-value"[^>]*>sb_test_456</);
    expect(tag(connect, "connect-copy-token")).toMatch(/^<button/);
    expect(connect).toContain("filled into the snippets below");
  });
});
