import "server-only";
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
