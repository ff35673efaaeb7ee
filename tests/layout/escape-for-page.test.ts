import { describe, expect, it } from "vitest";
import { isEscapeForPage, isOwnEscapeField } from "@/components/layout/shortcuts";

/**
 * Esc stops a streaming answer only when nothing else owns it: not in the history's rename field, a search box or the
 * message editor, not while a dialog, menu or list box is open. The composer opts in (Esc there stops the answer).
 */

/** A stand-in for an element: what isOwnEscapeField reads. */
function element(tagName: string, { type, attributes = [], editable = false }: { type?: string; attributes?: string[]; editable?: boolean } = {}) {
  return { tagName, type, isContentEditable: editable, hasAttribute: (name: string) => attributes.includes(name) };
}

const esc = (target: unknown, extra: Partial<{ key: string; defaultPrevented: boolean; isComposing: boolean }> = {}) => ({
  key: "Escape",
  defaultPrevented: false,
  isComposing: false,
  target: target as EventTarget | null,
  ...extra,
});
const noOverlay = () => false;

describe("Esc and the streaming answer", () => {
  it("belongs to a text field that has its own use for it (rename, search, edit), even when the field did not stop it", () => {
    const rename = element("INPUT", { type: "text" });
    expect(isEscapeForPage(esc(rename), noOverlay)).toBe(false);
    expect(isEscapeForPage(esc(element("input", { type: "search" })), noOverlay)).toBe(false);
    expect(isEscapeForPage(esc(element("INPUT")), noOverlay)).toBe(false); // no type attribute: a text input
    expect(isEscapeForPage(esc(element("TEXTAREA")), noOverlay)).toBe(false);
    expect(isEscapeForPage(esc(element("SELECT")), noOverlay)).toBe(false);
    expect(isEscapeForPage(esc(element("DIV", { editable: true })), noOverlay)).toBe(false);
  });

  it("stops the answer from the page, a button or a checkbox, and from the composer (which opts in)", () => {
    expect(isEscapeForPage(esc(element("BODY")), noOverlay)).toBe(true);
    expect(isEscapeForPage(esc(element("BUTTON")), noOverlay)).toBe(true);
    expect(isEscapeForPage(esc(element("INPUT", { type: "checkbox" })), noOverlay)).toBe(true);
    expect(isEscapeForPage(esc(element("TEXTAREA", { attributes: ["data-page-escape"] })), noOverlay)).toBe(true);
    expect(isEscapeForPage(esc(null), noOverlay)).toBe(true);
  });

  it("belongs to an open dialog, menu or list box, to whoever handled it first, and to an IME composition", () => {
    const page = element("BODY");
    expect(isEscapeForPage(esc(page), () => true)).toBe(false);
    expect(isEscapeForPage(esc(page, { defaultPrevented: true }), noOverlay)).toBe(false);
    expect(isEscapeForPage(esc(page, { isComposing: true }), noOverlay)).toBe(false);
    expect(isEscapeForPage(esc(page, { key: "Enter" }), noOverlay)).toBe(false);
  });

  it("reads fields by tag and type only", () => {
    expect(isOwnEscapeField(element("INPUT", { type: "radio" }))).toBe(false);
    expect(isOwnEscapeField(element("INPUT", { type: "email" }))).toBe(true);
    expect(isOwnEscapeField(element("A"))).toBe(false);
  });
});
