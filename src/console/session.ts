/**
 * The operator console's session: after a login with the admin token, a
 * cookie holding only the time it was issued, HMAC-signed with
 * CONSOLE_SESSION_SECRET — a random secret of its own, never derived from a
 * value printed for configuration (the admin token's hash is one). A session
 * lasts SESSION_SECONDS from issue, checked on every read whatever the
 * cookie claims; rotating CONSOLE_SESSION_SECRET ends every session at once,
 * without touching the admin token. The token itself is never stored.
 *
 * HttpOnly, SameSite=Strict. Off loopback: only over https, as
 * `__Host-eventline_console` (Secure, Path=/); on a loopback address (npm run
 * dev is plain http): `eventline_console`, Path=/console. Each name is read
 * only where it is the one set.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";

/** A session lasts a working day; then log in again. */
export const SESSION_SECONDS = 8 * 60 * 60;
/** A session secret shorter than this is refused (keys:create makes 43-character ones). */
export const MIN_SESSION_SECRET_LENGTH = 32;
/** How far in the future an issue time may lie (clock skew between Worker instances). */
const ISSUE_SKEW_SECONDS = 60;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export type SessionRefusal = "not_https" | "no_secret";

/** Where a session may live for this request: the cookie's name and options, or why the console cannot hold one here. */
export function sessionCookie(c: Context, secret: string | undefined): { name: string; options: CookieOptions } | SessionRefusal {
  const url = new URL(c.req.url);
  if (!secret || secret.length < MIN_SESSION_SECRET_LENGTH) return "no_secret";
  if (LOOPBACK.has(url.hostname)) return { name: "eventline_console", options: { httpOnly: true, sameSite: "Strict", path: "/console" } };
  if (url.protocol !== "https:") return "not_https";
  // __Host- requires Secure and Path=/ (and no Domain): the browser then refuses it from anything but this exact origin over https.
  return { name: "__Host-eventline_console", options: { httpOnly: true, sameSite: "Strict", path: "/", secure: true } };
}

const signingKey = (secret: string) => `eventline-console-session-v2:${secret}`;

export async function startSession(c: Context, secret: string | undefined, now = Date.now()): Promise<SessionRefusal | undefined> {
  const cookie = sessionCookie(c, secret);
  if (typeof cookie === "string") return cookie;
  await setSignedCookie(c, cookie.name, `v2.${Math.floor(now / 1000)}`, signingKey(secret!), {
    ...cookie.options,
    maxAge: SESSION_SECONDS,
  });
  return undefined;
}

/** True when the request carries a session signed with the current secret and issued less than SESSION_SECONDS ago. */
export async function hasSession(c: Context, secret: string | undefined, now = Date.now()): Promise<boolean> {
  const cookie = sessionCookie(c, secret);
  if (typeof cookie === "string") return false;
  const value = await getSignedCookie(c, signingKey(secret!), cookie.name);
  const match = typeof value === "string" ? /^v2\.(\d{1,12})$/.exec(value) : null;
  if (!match) return false;
  const age = now / 1000 - Number(match[1]);
  return age < SESSION_SECONDS && age > -ISSUE_SKEW_SECONDS;
}

export function endSession(c: Context, secret: string | undefined): void {
  const cookie = sessionCookie(c, secret);
  if (typeof cookie !== "string") deleteCookie(c, cookie.name, cookie.options);
}
