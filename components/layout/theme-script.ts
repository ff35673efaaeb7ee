/** Where the visitor's theme choice is kept ("light" or "dark"; absent: follow the system). */
export const THEME_STORAGE_KEY = "spendboard-theme";

/**
 * Inlined into <head> by the root layout: runs before the body paints, so a dark page never flashes light. Kept in
 * step with apply() in theme.ts: blocked storage counts as no choice.
 */
export const THEME_SCRIPT = `(function(){var c=null;try{c=localStorage.getItem("${THEME_STORAGE_KEY}")}catch(_){}try{var d=c==="dark"||(c!=="light"&&window.matchMedia("(prefers-color-scheme: dark)").matches);var e=document.documentElement;e.classList.toggle("dark",d);e.style.colorScheme=d?"dark":"light";}catch(_){}})();`;
