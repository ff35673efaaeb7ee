export { auth as proxy } from "@/app/(auth)/auth";

export const config = {
  // Everything but static assets goes through the sign-in check (see the `authorized` callback).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|jpg|jpeg|webp|txt)$).*)"],
};
