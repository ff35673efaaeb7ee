/** Where the visitor's theme choice is kept ("light" or "dark"; absent: follow the system). */
export const THEME_STORAGE_KEY = "spendboard-theme";

/**
 * Inlined into <head> by the root layout: runs before the body paints, so a dark page never flashes light. Kept in
 * step with apply() in theme.ts.
 */
export const THEME_SCRIPT = `(function(){try{var c=localStorage.getItem("${THEME_STORAGE_KEY}");var d=c==="dark"||(c!=="light"&&window.matchMedia("(prefers-color-scheme: dark)").matches);var e=document.documentElement;e.classList.toggle("dark",d);e.style.colorScheme=d?"dark":"light";}catch(_){}})();`;
