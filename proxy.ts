import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath, isTokenPath } from "@/lib/auth/public-paths";
import { readSessionToken } from "@/lib/auth/session-token";
import { AppError } from "@/lib/errors";
import { checkActionRequest } from "@/lib/http/action-request";
import { apiMethodAnswer } from "@/lib/http/api-routes";

/**
 * The sign-in gate. It only reads the session cookie: Auth.js's own middleware re-issues the cookie on every
 * request, and a link prefetch answered after a sign-out would then sign the user back in.
 * Pages and route handlers still check the user (and role) themselves; this only sends strangers away early.
 */
async function isSignedIn(request: NextRequest): Promise<boolean> {
  return (await readSessionToken((name) => request.cookies.get(name)?.value)) !== null;
}

export async function proxy(request: NextRequest): Promise<Response> {
  const { pathname, search, searchParams } = request.nextUrl;
  // Unknown /api paths and methods a route does not have: a JSON answer before anything else runs.
  const apiAnswer = apiMethodAnswer(request.method, pathname);
  if (apiAnswer) return apiAnswer;
  // Server-action bodies Next.js would answer with a 500 (undecodable, too large, from another site): a JSON 4xx.
  const refusal = await checkActionRequest(request);
  if (refusal) {
    return NextResponse.json(new AppError(refusal.code, refusal.message).toJSON(), { status: refusal.status });
  }
  // API-token routes authenticate in their handler (401 with WWW-Authenticate, in the API's own error format).
  if (isTokenPath(pathname)) return NextResponse.next();
  const signedIn = await isSignedIn(request);
  if (isPublicPath(pathname)) {
    // (not when /login carries an error: the session may belong to an account that was just disabled)
    if (signedIn && (pathname === "/login" || pathname === "/register") && !searchParams.has("error")) {
      return NextResponse.redirect(new URL("/dashboard", request.nextUrl));
    }
    return NextResponse.next();
  }
  if (signedIn) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json(new AppError("unauthorized").toJSON(), { status: 401 });
  }
  const login = new URL("/login", request.nextUrl);
  if (pathname !== "/") login.searchParams.set("callbackUrl", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but static assets and the model-call paths (the gateway's and the chat's) goes through the gate. Their
  // handlers authenticate the API token or the session themselves and export the proxy's method answers
  // (lib/http/api-routes.ts methodAnswers): a proxy pass costs a model call one to two milliseconds and buffers its
  // body. Unknown paths below them reach the JSON 404 of app/api/[[...path]].
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/v1/|api/anthropic/|api/bench/|api/chat$|.*\\.(?:png|svg|ico|jpg|jpeg|webp|txt)$).*)"],
};
