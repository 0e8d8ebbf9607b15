/**
 * The operator console's session: after a login with the admin token, a
 * cookie holding only its expiry, HMAC-signed with a key derived from
 * ADMIN_TOKEN_SHA256 — so rotating the admin token ends every session. The
 * token itself is never stored: not in the cookie, a URL or the browser.
 *
 * HttpOnly, SameSite=Strict, Path=/console; Secure with the __Host- prefix
 * except on a loopback address (npm run dev is plain http).
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";

/** A session lasts a working day; then log in again. */
export const SESSION_SECONDS = 8 * 60 * 60;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function cookie(c: Context): { name: string; options: CookieOptions } {
  const local = LOOPBACK.has(new URL(c.req.url).hostname);
  // __Host- requires Secure and Path=/ (and no Domain): the browser then refuses it from anything but this exact origin over https.
  return local
    ? { name: "eventline_console", options: { httpOnly: true, sameSite: "Strict", path: "/console" } }
    : { name: "__Host-eventline_console", options: { httpOnly: true, sameSite: "Strict", path: "/", secure: true } };
}

function signingSecret(adminTokenSha256: string): string {
  return `eventline-console-session:${adminTokenSha256.toLowerCase()}`;
}

export async function startSession(c: Context, adminTokenSha256: string, now = Date.now()): Promise<void> {
  const { name, options } = cookie(c);
  const expires = Math.floor(now / 1000) + SESSION_SECONDS;
  await setSignedCookie(c, name, `v1.${expires}`, signingSecret(adminTokenSha256), { ...options, maxAge: SESSION_SECONDS });
}

/** True when the request carries an unexpired session signed with the current admin token's key. */
export async function hasSession(c: Context, adminTokenSha256: string | undefined, now = Date.now()): Promise<boolean> {
  if (!adminTokenSha256) return false;
  const value = await getSignedCookie(c, signingSecret(adminTokenSha256), cookie(c).name);
  const match = typeof value === "string" ? /^v1\.(\d{1,12})$/.exec(value) : null;
  return match !== null && Number(match[1]) > now / 1000;
}

export function endSession(c: Context): void {
  const { name, options } = cookie(c);
  deleteCookie(c, name, options);
}
