import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { getUserByOAuthAccount } from "@/db/queries/users";
import type { UserRole } from "@/db/schema";
import { authenticateWithPassword, signInWithOAuth } from "@/lib/auth/accounts";
import { AppError } from "@/lib/errors";
import { getAuthSecret } from "@/lib/server-env";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: UserRole } & DefaultSession["user"];
  }
  interface User {
    role?: UserRole;
  }
}

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class AccountDisabled extends CredentialsSignin {
  code = "account_disabled";
}

/** GitHub and Google appear only when their Auth.js env vars are set. */
export function enabledOAuthProviders(): { id: "github" | "google"; name: string }[] {
  const providers: { id: "github" | "google"; name: string }[] = [];
  if (process.env.AUTH_GITHUB_ID && process.env.AUTH_GITHUB_SECRET) providers.push({ id: "github", name: "GitHub" });
  if (process.env.AUTH_GOOGLE_ID && process.env.AUTH_GOOGLE_SECRET) providers.push({ id: "google", name: "Google" });
  return providers;
}

function providers(): Provider[] {
  const list: Provider[] = [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials) {
        try {
          const user = await authenticateWithPassword(credentials);
          if (!user) throw new InvalidCredentials();
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        } catch (error) {
          if (error instanceof AppError && error.code === "account_disabled") throw new AccountDisabled();
          throw error;
        }
      },
    }),
  ];
  for (const { id } of enabledOAuthProviders()) list.push(id === "github" ? GitHub : Google);
  return list;
}

function config(): NextAuthConfig {
  return {
    secret: getAuthSecret(),
    // Self-hosted behind a proxy of the operator's choosing; set AUTH_TRUST_HOST=false and AUTH_URL to pin the host.
    trustHost: process.env.AUTH_TRUST_HOST !== "false",
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: providers(),
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || account.type === "credentials") return true;
        try {
          await signInWithOAuth({
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email: profile?.email,
            name: profile?.name,
            image: typeof profile?.picture === "string" ? profile.picture : undefined,
          });
          return true;
        } catch (error) {
          if (error instanceof AppError) return `/login?error=${encodeURIComponent(error.code)}`;
          throw error;
        }
      },
      async jwt({ token, user, account }) {
        if (account && account.type !== "credentials") {
          const linked = await getUserByOAuthAccount({
            provider: account.provider,
            providerAccountId: account.providerAccountId,
          });
          if (linked) {
            token.sub = linked.id;
            token.role = linked.role;
          }
        } else if (user?.id) {
          token.sub = user.id;
          token.role = user.role;
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.user.role = token.role === "admin" ? "admin" : "user";
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => config());
