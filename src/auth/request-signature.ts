/**
 * Optional per-source request signing, the scheme Stripe and GitHub webhooks
 * use: `X-Eventline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * The timestamp is inside the MAC, and stale timestamps are refused, so a
 * captured request cannot be replayed later.
 *
 * Secrets come from the SIGNING_SECRETS secret: `<source>:<secret>` per line.
 */
import { ConfigError } from "../errors/config-error.ts";
import { SOURCE_PATTERN } from "../events/event-schema.ts";
import { timingSafeEqualString, toHex } from "./sha256.ts";

const encoder = new TextEncoder();

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "signature_required" | "signature_invalid" | "signature_expired"; message: string };

let cached: { config: string; map: Map<string, string> } | undefined;

export function parseSigningSecrets(config: string | undefined): Map<string, string> {
  if (cached?.config === (config ?? "")) return cached.map;
  const map = new Map<string, string>();
  for (const line of (config ?? "").split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    const source = line.slice(0, i);
    if (i <= 0 || !SOURCE_PATTERN.test(source) || line.length - i - 1 < 16) {
      throw new ConfigError('SIGNING_SECRETS entries must be "<source>:<secret of at least 16 chars>"');
    }
    map.set(source, line.slice(i + 1));
  }
  cached = { config: config ?? "", map };
  return map;
}

export async function hmacHex(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data))));
}

/** Builds the header value a client sends; used by clients, tests and the benchmark. */
export async function signBody(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacHex(secret, `${unixSeconds}.${body}`)}`;
}

export async function verifySignature(
  header: string | null,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds: number,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "signature_required", message: "this source requires X-Eventline-Signature" };
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1");
  if (!Number.isInteger(t) || !v1) return { ok: false, reason: "signature_invalid", message: 'expected "t=<unix seconds>,v1=<hex>"' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) {
    return { ok: false, reason: "signature_expired", message: `timestamp is more than ${toleranceSeconds}s from the server clock` };
  }
  const expected = await hmacHex(secret, `${t}.${body}`);
  return timingSafeEqualString(expected, v1.toLowerCase())
    ? { ok: true }
    : { ok: false, reason: "signature_invalid", message: "signature does not match the body" };
}
