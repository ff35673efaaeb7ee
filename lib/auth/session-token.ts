import "server-only";
import { decode } from "next-auth/jwt";
import { getAuthSecret } from "@/lib/server-env";

/**
 * Reads the Auth.js session cookie of a request: who (`sub`), which session row (`sid`) and at which session version
 * (`sv`). Only decodes the token — whether the session still holds is getCurrentUser's one query. A decoded cookie is
 * remembered for up to a minute (never past the token's expiry): a token's content never changes, so each request
 * after the first pays no decryption; revocation is unaffected because the database is asked every time.
 */

export interface SessionToken {
  userId: string;
  role: string | undefined;
  sessionId: string;
  sessionVersion: number;
  /** When the token expires (its `exp`). */
  expires: Date;
}

const COOKIE = "authjs.session-token";
/** Auth.js names the cookie `__Secure-…` over https; the name is also the key-derivation salt. */
const COOKIE_NAMES = [`__Secure-${COOKIE}`, COOKIE] as const;
const REMEMBER_MS = 60_000;
const MAX_REMEMBERED = 5_000;

const remembered = new Map<string, { token: SessionToken | null; until: number }>();

/** The cookie's value, joined from Auth.js's chunks (`name.0`, `name.1`, …) when it was too large for one. */
function cookieValue(get: (name: string) => string | undefined, name: string): string | undefined {
  const whole = get(name);
  if (whole) return whole;
  let joined = "";
  for (let i = 0; ; i++) {
    const chunk = get(`${name}.${i}`);
    if (!chunk) break;
    joined += chunk;
  }
  return joined || undefined;
}

async function decodeToken(value: string, salt: string): Promise<SessionToken | null> {
  try {
    const payload = await decode({ token: value, secret: getAuthSecret(), salt });
    if (!payload || typeof payload.sub !== "string" || typeof payload.sid !== "string" || typeof payload.sv !== "number") return null;
    const exp = typeof payload.exp === "number" ? payload.exp * 1000 : 0;
    return { userId: payload.sub, role: typeof payload.role === "string" ? payload.role : undefined, sessionId: payload.sid, sessionVersion: payload.sv, expires: new Date(exp) };
  } catch {
    return null; // tampered, from another secret, or not a token at all
  }
}

/** The session token in these cookies, or null (none, invalid or expired). */
export async function readSessionToken(get: (name: string) => string | undefined, now: number = Date.now()): Promise<SessionToken | null> {
  for (const name of COOKIE_NAMES) {
    const value = cookieValue(get, name);
    if (!value) continue;
    const key = `${name}=${value}`;
    const known = remembered.get(key);
    let token: SessionToken | null;
    if (known && known.until > now) {
      token = known.token;
    } else {
      token = await decodeToken(value, name);
      if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
      remembered.set(key, { token, until: Math.min(now + REMEMBER_MS, token ? token.expires.getTime() : now + REMEMBER_MS) });
    }
    if (token && token.expires.getTime() > now) return token;
  }
  return null;
}
