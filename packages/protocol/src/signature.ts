/**
 * Request signing: `X-Eventline-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256>`
 * of the canonical request (canonicalRequest below): the timestamp, the
 * method, the path and query, the content type, every `ce-*` header, and the
 * body's exact bytes — everything that changes what a request means, so a
 * captured request cannot be re-sent meaning something else. The server
 * verifies with the same functions (src/producer/ingest/request-signature.ts).
 * Web Crypto only, so it runs in Node, Workers and browsers alike.
 */
import { toHex } from "./hex.ts";

const encoder = new TextEncoder();

/** What a signature covers besides the body. */
export interface SignedRequest {
  method: string;
  /** The path and query string as sent, e.g. "/v1/events?atomic=true". */
  target: string;
  /** The request's headers: the content type and every `ce-*` header are signed. */
  headers: Headers | Record<string, string>;
}

/** An HMAC-SHA256 key for a signing secret; import once, sign many times. */
export function signingKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/**
 * The bytes signed: one line each for "v2", t, the method (upper case), the
 * target, the content type (trimmed, lower case; empty when absent), then one
 * `name:value` line per `ce-*` header (names lower case, sorted; values as the
 * Headers API gives them), an empty line, and the body.
 */
export function canonicalRequest(unixSeconds: number, req: SignedRequest, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const headers = new Headers(req.headers);
  const ce: string[] = [];
  headers.forEach((value, name) => {
    if (name.startsWith("ce-")) ce.push(`${name}:${value}`);
  });
  ce.sort();
  const head = encoder.encode(
    [
      "v2",
      String(unixSeconds),
      req.method.toUpperCase(),
      req.target,
      (headers.get("content-type") ?? "").trim().toLowerCase(),
      ...ce,
      "",
      "",
    ].join("\n"),
  );
  const signed = new Uint8Array(head.length + body.length);
  signed.set(head);
  signed.set(body, head.length);
  return signed;
}

/** HMAC-SHA256 of the canonical request, as lower-case hex. */
export async function signatureOf(key: CryptoKey, unixSeconds: number, req: SignedRequest, body: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, canonicalRequest(unixSeconds, req, body))));
}

/** The header value for a request, over the exact bytes sent and the headers sent with them. */
export async function signatureHeader(key: CryptoKey, req: SignedRequest, body: Uint8Array, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v2=${await signatureOf(key, unixSeconds, req, body)}`;
}

/** The header value for one request signed with a secret: for one-off requests; a client keeps its key (signingKey). */
export async function signRequest(secret: string, req: SignedRequest, body: string | Uint8Array, unixSeconds: number): Promise<string> {
  return signatureHeader(await signingKey(secret), req, typeof body === "string" ? encoder.encode(body) : body, unixSeconds);
}
