import "server-only";
import { forbidden, redirect } from "next/navigation";
import { auth } from "@/app/(auth)/auth";
import { getUserById } from "@/db/queries/users";
import type { User } from "@/db/schema";
import { AppError } from "@/lib/errors";

/**
 * The one way to read the current user: the session says who, the database says what they may do now
 * (role and disabled state are read fresh on every request, so a change takes effect at once).
 */
export async function getCurrentUser(): Promise<User | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getUserById({ id });
  if (!user || user.disabledAt) return null;
  return user;
}

export async function requireUser(): Promise<User> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthorized");
  return user;
}

export async function requireAdmin(): Promise<User> {
  const user = await requireUser();
  if (user.role !== "admin") throw new AppError("admin_required");
  return user;
}

/**
 * For server components. Layouts and pages render in parallel, so every page checks for itself:
 * no user → /login; not an admin → the 403 page.
 */
export async function requireUserPage(): Promise<User> {
  const user = await getCurrentUser();
  // proxy.ts sends visitors without a session to /login first, so here the session outlived its account.
  if (!user) redirect("/login?error=session_ended");
  return user;
}

export async function requireAdminPage(): Promise<User> {
  const user = await requireUserPage();
  if (user.role !== "admin") forbidden();
  return user;
}
