import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { THEME_SCRIPT, THEME_STORAGE_KEY } from "./theme-script";

/** Runs the inline theme script against a stored choice and a system preference; returns what it set on <html>. */
function run({ stored, systemDark, storageThrows = false }: { stored: string | null; systemDark: boolean; storageThrows?: boolean }) {
  const classes = new Set<string>();
  const root = {
    classList: { toggle: (name: string, on: boolean) => (on ? classes.add(name) : classes.delete(name)) },
    style: { colorScheme: "" },
  };
  const localStorage = {
    getItem: (key: string) => {
      if (storageThrows) throw new Error("SecurityError");
      return key === THEME_STORAGE_KEY ? stored : null;
    },
  };
  const window = { matchMedia: (query: string) => ({ matches: query === "(prefers-color-scheme: dark)" && systemDark }) };
  runInNewContext(THEME_SCRIPT, { window, localStorage, document: { documentElement: root } });
  return { dark: classes.has("dark"), colorScheme: root.style.colorScheme };
}

describe("the inline theme script (runs before the first paint)", () => {
  it("follows the system when no choice is stored", () => {
    expect(run({ stored: null, systemDark: true })).toEqual({ dark: true, colorScheme: "dark" });
    expect(run({ stored: null, systemDark: false })).toEqual({ dark: false, colorScheme: "light" });
  });

  it("a stored choice wins over the system", () => {
    expect(run({ stored: "dark", systemDark: false })).toEqual({ dark: true, colorScheme: "dark" });
    expect(run({ stored: "light", systemDark: true })).toEqual({ dark: false, colorScheme: "light" });
  });

  it("an unknown stored value counts as no choice", () => {
    expect(run({ stored: "sepia", systemDark: true })).toEqual({ dark: true, colorScheme: "dark" });
  });

  it("blocked storage counts as no choice: the system decides", () => {
    expect(run({ stored: "dark", systemDark: true, storageThrows: true })).toEqual({ dark: true, colorScheme: "dark" });
    expect(run({ stored: "dark", systemDark: false, storageThrows: true })).toEqual({ dark: false, colorScheme: "light" });
  });
});
