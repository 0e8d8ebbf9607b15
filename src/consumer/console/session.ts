/**
 * The operator console's session: after a login with the admin token, a
 * cookie holding the time it was issued and a fingerprint of the admin
 * token's hash (ADMIN_TOKEN_SHA256) it was issued under, HMAC-signed with
 * CONSOLE_SESSION_SECRET — a random secret of its own, never derived from a
 * value printed for configuration (the admin token's hash is one): the
 * fingerprint is what is signed, not what signs. A session lasts
 * SESSION_SECONDS from issue, checked on every read whatever the cookie
 * claims. Rotating the admin token (what an operator does when it leaks)
 * ends every session at once, as rotating CONSOLE_SESSION_SECRET does. The
 * token itself is never stored.
 *
 * HttpOnly, SameSite=Strict. Off loopback: only over https, as
 * `__Host-eventline_console` (Secure, Path=/); on a loopback address (npm run
 * dev is plain http): `eventline_console`, Path=/console. Each name is read
 * only where it is the one set.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { sha256Hex } from "../../shared/auth/sha256.ts";

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

const signingKey = (secret: string) => `eventline-console-session-v3:${secret}`;

/** Which admin token a session was issued under: a hash of its hash, so the cookie reveals nothing usable. */
export async function tokenFingerprint(adminTokenSha256: string | undefined): Promise<string> {
  return (await sha256Hex(`eventline-console-token:${adminTokenSha256 ?? ""}`)).slice(0, 24);
}

export async function startSession(
  c: Context,
  secret: string | undefined,
  adminTokenSha256: string | undefined,
  now = Date.now(),
): Promise<SessionRefusal | undefined> {
  const cookie = sessionCookie(c, secret);
  if (typeof cookie === "string") return cookie;
  await setSignedCookie(c, cookie.name, `v3.${Math.floor(now / 1000)}.${await tokenFingerprint(adminTokenSha256)}`, signingKey(secret!), {
    ...cookie.options,
    maxAge: SESSION_SECONDS,
  });
  return undefined;
}

/** True when the request carries a session signed with the current secret, issued under the current admin token, less than SESSION_SECONDS ago. */
export async function hasSession(
  c: Context,
  secret: string | undefined,
  adminTokenSha256: string | undefined,
  now = Date.now(),
): Promise<boolean> {
  const cookie = sessionCookie(c, secret);
  if (typeof cookie === "string") return false;
  const value = await getSignedCookie(c, signingKey(secret!), cookie.name);
  const match = typeof value === "string" ? /^v3\.(\d{1,12})\.([0-9a-f]{24})$/.exec(value) : null;
  if (!match || match[2] !== (await tokenFingerprint(adminTokenSha256))) return false;
  const age = now / 1000 - Number(match[1]);
  return age < SESSION_SECONDS && age > -ISSUE_SKEW_SECONDS;
}

export function endSession(c: Context, secret: string | undefined): void {
  const cookie = sessionCookie(c, secret);
  if (typeof cookie !== "string") deleteCookie(c, cookie.name, cookie.options);
}
