import type { ReactNode } from "react";
import { requireAdminPage } from "@/lib/auth/session";

/** Every page under /admin is for admins; each page checks again, since layouts and pages render in parallel. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdminPage();
  return children;
}
