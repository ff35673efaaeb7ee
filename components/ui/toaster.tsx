"use client";

import { Toaster as Sonner } from "sonner";
import { useTheme } from "@/components/layout/theme";

/**
 * Toasts in the page's theme, top right just under the header (h-14) so they never cover its buttons; sonner moves
 * them to the top edge on phones, also under the header.
 */
export function Toaster() {
  const { resolved } = useTheme();
  return <Sonner theme={resolved} position="top-right" offset={{ top: 64, right: 16 }} mobileOffset={{ top: 64 }} richColors closeButton />;
}
