import { forbidden } from "next/navigation";
import type { ReactNode } from "react";
import { getCurrentUser } from "@/lib/auth/session";

/** Every page under /admin checks the role on the server; a non-admin gets the 403 page. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await getCurrentUser();
  if (user?.role !== "admin") forbidden();
  return children;
}
