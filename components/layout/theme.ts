"use client";

import { useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY } from "./theme-script";

/**
 * Light or dark: the visitor's choice when they made one (kept in localStorage), else the system's. The `dark` class
 * on <html> is what the styles read; THEME_SCRIPT sets it before the first paint, this module keeps it current.
 */

export type ThemeChoice = "light" | "dark" | "system";
export type ResolvedTheme = "light" | "dark";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function readChoice(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system"; // storage blocked: follow the system
  }
}

function resolve(choice: ThemeChoice): ResolvedTheme {
  if (choice !== "system") return choice;
  return window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

function apply(): void {
  const dark = resolve(readChoice()) === "dark";
  const root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
}

const listeners = new Set<() => void>();
function emit(): void {
  apply();
  listeners.forEach((listener) => listener());
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not remembered, but still applied to this page.
  }
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    window.matchMedia(DARK_QUERY).addEventListener("change", emit);
    window.addEventListener("storage", onStorage); // another tab changed the choice
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.matchMedia(DARK_QUERY).removeEventListener("change", emit);
      window.removeEventListener("storage", onStorage);
    }
  };
}

function onStorage(event: StorageEvent): void {
  if (event.key === THEME_STORAGE_KEY || event.key === null) emit();
}

function snapshot(): string {
  const choice = readChoice();
  return `${choice}:${resolve(choice)}`;
}

// The server cannot know: it renders the light, system-following state and the client corrects it after hydration.
const serverSnapshot = () => "system:light";

export function useTheme(): { choice: ThemeChoice; resolved: ResolvedTheme; setTheme: (choice: ThemeChoice) => void } {
  const [choice, resolved] = useSyncExternalStore(subscribe, snapshot, serverSnapshot).split(":") as [ThemeChoice, ResolvedTheme];
  return { choice, resolved, setTheme };
}
