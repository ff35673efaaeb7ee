import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession, type NextAuthConfig, type Session } from "next-auth";
import { cookies } from "next/headers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { getUserByOAuthAccount } from "@/db/queries/users";
import type { UserRole } from "@/db/schema";
import { authenticateThrottled, signInWithOAuth } from "@/lib/auth/accounts";
import { authRedirect } from "@/lib/auth/return-path";
import { clientAddress } from "@/lib/auth/sign-in-throttle";
import { endSession, SESSION_MAX_AGE_SECONDS, startSession } from "@/lib/auth/user-sessions";
import { AppError } from "@/lib/errors";
import { isAdmissionRefusal } from "@/lib/registration/admission";
import { readSessionToken } from "@/lib/auth/session-token";
import { getAuthSecret } from "@/lib/server-env";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: UserRole } & DefaultSession["user"];
    /** The `user_sessions` row of this sign-in and the user's session version then (checked by getCurrentUser). */
    sid?: string;
    sv?: number;
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
class SignInThrottled extends CredentialsSignin {
  code = "rate_limited";
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
      // The sign-in form's action reaches this through signIn() with the browser's headers; a direct POST to
      // /api/auth/callback/credentials reaches it too — both are throttled here.
      async authorize(credentials, request) {
        try {
          const user = await authenticateThrottled(credentials, clientAddress(request.headers));
          if (!user) throw new InvalidCredentials();
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        } catch (error) {
          if (error instanceof AppError && error.code === "account_disabled") throw new AccountDisabled();
          if (error instanceof AppError && error.code === "rate_limited") throw new SignInThrottled();
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
    // Auth.js re-issues the cookie as it is used, but a token only counts while its session row has not expired
    // (SESSION_MAX_AGE_SECONDS after sign-in): getCurrentUser checks the row.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
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
          if (error instanceof AppError) {
            // A registration the policy refuses names its reason (the login page shows the message for it).
            const reason = (error.details as { reason?: unknown } | undefined)?.reason;
            const code = typeof reason === "string" && isAdmissionRefusal(reason) ? reason : error.code;
            return `/login?error=${encodeURIComponent(code)}`;
          }
          throw error;
        }
      },
      // Runs with `user`/`account` only at sign-in: that is when a session row is opened and named in the token.
      async jwt({ token, user, account }) {
        let signedIn: string | undefined;
        if (account && account.type !== "credentials") {
          const linked = await getUserByOAuthAccount({
            provider: account.provider,
            providerAccountId: account.providerAccountId,
          });
          if (linked) {
            signedIn = linked.id;
            token.role = linked.role;
          }
        } else if (user?.id) {
          signedIn = user.id;
          token.role = user.role;
        }
        if (signedIn) {
          token.sub = signedIn;
          const session = await startSession(signedIn);
          token.sid = session?.sid;
          token.sv = session?.sv;
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.user.role = token.role === "admin" ? "admin" : "user";
        if (typeof token.sid === "string") session.sid = token.sid;
        if (typeof token.sv === "number") session.sv = token.sv;
        return session;
      },
      // Every callbackUrl Auth.js follows (credentials, OAuth, sign-out) goes through the one redirect check.
      redirect: authRedirect,
    },
    events: {
      // Sign-out ends the session row, so a copy of the cookie is refused from now on.
      async signOut(message) {
        if ("token" in message) await endSession(message.token?.sid);
      },
    },
  };
}

export const { handlers, signIn, signOut } = NextAuth(() => config());

/**
 * This request's session, from its cookie (lib/auth/session-token.ts decodes it, once per token): Auth.js's own
 * `auth()` runs its whole session flow and re-encrypts the cookie on every call, which a request that only needs to
 * know who is calling does not need. Sessions are not extended by use (they end SESSION_MAX_AGE_SECONDS after
 * sign-in), so nothing is lost.
 */
export async function auth(): Promise<Session | null> {
  const jar = await cookies();
  const token = await readSessionToken((name) => jar.get(name)?.value);
  if (!token) return null;
  return {
    user: { id: token.userId, role: token.role === "admin" ? "admin" : "user" },
    sid: token.sessionId,
    sv: token.sessionVersion,
    expires: token.expires.toISOString(),
  };
}
