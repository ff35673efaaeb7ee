"use client";

import { Toaster as Sonner } from "sonner";
import { useTheme } from "@/components/layout/theme";

/** Toasts in the page's theme (top right on wide screens; sonner moves them to the top edge on phones). */
export function Toaster() {
  const { resolved } = useTheme();
  return <Sonner theme={resolved} position="top-right" richColors closeButton />;
}
