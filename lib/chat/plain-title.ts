/** Longest title we show or store from a model (user-typed titles may be longer, up to the rename limit). */
export const GENERATED_TITLE_MAX = 80;

// Quotes a model may put around its answer: straight, curly, guillemets, CJK corner brackets.
const QUOTES = `"'“”‘’«»„‚「」『』`;
const EDGE_NOISE = new RegExp(`^[\\s${QUOTES}]+|[\\s${QUOTES}]+$`, "g");

/**
 * A conversation title as plain text: the first non-empty line, without markdown (headings, bold/italic markers,
 * inline code, links, list bullets), a "Title:" label, surrounding quotes or a final period; whitespace collapsed.
 * Used on what a model generates and on every title shown (older rows may hold markdown).
 *
 * `**"Planning a trip to Lisbon."**` → `Planning a trip to Lisbon`; `snake_case names` stays as it is.
 */
export function plainTitle(text: string, max: number = Number.POSITIVE_INFINITY): string {
  const line = text.split(/\r?\n/).find((l) => l.trim()) ?? "";
  let title = line
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1") // [text](url) → text
    .replace(/`+/g, "") // inline code markers
    .replace(/\*+/g, "") // bold / italic with *
    .replace(/(^|[^\p{L}\p{N}])_{1,3}(?=\S)|(?<=\S)_{1,3}(?=$|[^\p{L}\p{N}])/gu, "$1") // _italic_ / __bold__, not snake_case
    .replace(/~~/g, "")
    .replace(/^\s*(?:#{1,6}|>|[-+]|\d+[.)])\s+/, "") // heading, quote, list bullet
    .replace(/^\s*#+\s*/, "");
  // Strip a label and quotes in turns: `Title: "Foo"` and `"Title: Foo"` both end up as `Foo`.
  for (let i = 0; i < 3; i++) {
    title = title.replace(EDGE_NOISE, "").replace(/^title\s*[:：]\s*/i, "");
  }
  title = title.replace(/\s+/g, " ").replace(/[.。]+$/, "").replace(EDGE_NOISE, "").trim();
  return title.length > max ? title.slice(0, max).trimEnd() : title;
}

/** A title as the history and the chat header show it; an empty or missing one reads as `fallback`. */
export function displayTitle(title: string | null | undefined, fallback: string): string {
  const plain = title ? plainTitle(title) : "";
  return plain || fallback;
}
