import { toHex } from "@eventline/protocol";

const encoder = new TextEncoder();

export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(input));
  return toHex(new Uint8Array(digest));
}

/**
 * Compares two strings in time that depends only on their lengths, so a
 * caller cannot learn a secret byte by byte from response times.
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  // Code units, not bytes: no allocation per comparison (it runs once per configured key per request).
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** Whether a token's SHA-256 (hex) is the configured one; an unset setting matches nothing. */
export function hashMatches(hash: string, configured: string | undefined): boolean {
  return configured !== undefined && configured !== "" && timingSafeEqualString(hash, configured.toLowerCase());
}
