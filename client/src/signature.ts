/**
 * Request signing, the scheme Stripe and GitHub webhooks use:
 * `X-Eventline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body bytes>`.
 * The server verifies with the same function (src/auth/request-signature.ts).
 * Web Crypto only, so it runs in Node, Workers and browsers alike.
 */
import { toHex } from "./hex.ts";

const encoder = new TextEncoder();

/** An HMAC-SHA256 key for a signing secret; import once, sign many times. */
export function signingKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** HMAC-SHA256 of `"<t>."` followed by the body's bytes, as lower-case hex. */
export async function signatureOf(key: CryptoKey, unixSeconds: number, body: Uint8Array): Promise<string> {
  const prefix = encoder.encode(`${unixSeconds}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, signed)));
}

/** The header value for a body, over the exact bytes sent. */
export async function signatureHeader(key: CryptoKey, body: Uint8Array, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await signatureOf(key, unixSeconds, body)}`;
}

/** The header value for a body signed with a secret: for one-off requests; a client keeps its key (signingKey). */
export async function signBody(secret: string, body: string | Uint8Array, unixSeconds: number): Promise<string> {
  return signatureHeader(await signingKey(secret), typeof body === "string" ? encoder.encode(body) : body, unixSeconds);
}
