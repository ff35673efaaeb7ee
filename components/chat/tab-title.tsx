/** The root layout's title template ("%s · Spendboard"), for titles set on the client. */
export const TITLE_SUFFIX = " · Spendboard";

/**
 * The browser tab's title for a conversation whose title came (or changed) after the page loaded: a generated title
 * after the first answer, a rename. React 19 hoists a rendered <title> into <head> and inserts each newly mounted one
 * before the others, so this one wins over the page's metadata title while it is mounted and the page's title is
 * back once it unmounts. Keyed by its text so a new title is mounted afresh (first again), not patched where it is.
 */
export function TabTitle({ title }: { title: string }) {
  const text = `${title}${TITLE_SUFFIX}`;
  return <title key={text}>{text}</title>;
}
