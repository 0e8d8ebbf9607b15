/**
 * Optional per-source request signing:
 * `X-Eventline-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256 of the canonical request>`.
 * The MAC covers what changes a request's meaning (@eventline/protocol's canonicalRequest):
 * the method, path and query, content type, every `ce-*` header and the
 * body's exact bytes (a BOM or an invalid UTF-8 sequence is part of what was
 * signed), and the timestamp, which must be recent (at most
 * SIGNATURE_TOLERANCE_SECONDS old, and only clock skew ahead). Several `v2=`
 * values may be sent (e.g. while a secret rotates); one must match. `v1=`
 * (the body alone) is no longer accepted: its headers could be swapped.
 *
 * A captured request can be re-sent unchanged within the tolerance window;
 * what makes that harmless is the event id (see uuidv7.ts: events without one
 * get ids derived from the signature).
 *
 * Secrets come from the SIGNING_SECRETS secret: `<source>:<secret>` per line.
 * The client library signs (@eventline/protocol); this module verifies.
 */
import { SIGNATURE_HEADER, type SignedRequest, signatureOf, signingKey } from "@eventline/protocol";
import { timingSafeEqualString } from "../../shared/auth/sha256.ts";
import { LIMITS } from "../../shared/config/limits.ts";
import { ConfigError } from "../../shared/errors/config-error.ts";
import { SOURCE_PATTERN } from "../../shared/events/fields.ts";

export type SignatureCheck =
  | { ok: true; timestamp: number; signature: string }
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

const TIMESTAMP = /^[0-9]{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** `t=<digits>,v2=<64 hex>[,v2=…]`; other schemes' entries (v1=, v0=…) are ignored, as Stripe does. */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[]; legacy: boolean } | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  let legacy = false;
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0) return undefined;
    if (key === "t") {
      if (timestamp !== undefined || !TIMESTAMP.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === "v2") {
      if (!HEX_SHA256.test(value.toLowerCase())) return undefined;
      signatures.push(value.toLowerCase());
    } else if (key === "v1") legacy = true;
  }
  return timestamp === undefined || (signatures.length === 0 && !legacy) ? undefined : { timestamp, signatures, legacy };
}

export async function verifySignature(
  header: string | null,
  req: SignedRequest,
  body: Uint8Array,
  secret: string,
  nowSeconds: number,
  toleranceSeconds: number,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "signature_required", message: `this source requires ${SIGNATURE_HEADER}` };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: "signature_invalid", message: 'expected "t=<unix seconds>,v2=<64 hex digits>"' };
  if (parsed.signatures.length === 0)
    return {
      ok: false,
      reason: "signature_invalid",
      message:
        "v1 signatures (the body alone) are no longer accepted: sign with v2, which covers the method, path, content type and ce-* headers too",
    };
  if (nowSeconds - parsed.timestamp > toleranceSeconds) {
    return { ok: false, reason: "signature_expired", message: `timestamp is more than ${toleranceSeconds}s old` };
  }
  if (parsed.timestamp - nowSeconds > LIMITS.signatureFutureToleranceSeconds) {
    return {
      ok: false,
      reason: "signature_invalid",
      message: `timestamp is more than ${LIMITS.signatureFutureToleranceSeconds}s ahead of the server clock`,
    };
  }
  // The protocol's signing function, which the client signs with: one definition of what is signed.
  const expected = await signatureOf(await signingKey(secret), parsed.timestamp, req, body);
  // Every candidate is compared, matched or not, so the time taken says nothing about which one matched.
  let matched: string | undefined;
  for (const s of parsed.signatures) if (timingSafeEqualString(expected, s) && matched === undefined) matched = s;
  return matched
    ? { ok: true, timestamp: parsed.timestamp, signature: matched }
    : {
        ok: false,
        reason: "signature_invalid",
        message: "signature does not match the request (method, path, content type, ce-* headers, body)",
      };
}
