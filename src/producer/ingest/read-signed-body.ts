/**
 * Reads the ingest request's body as bytes and, for sources configured for
 * it, checks the request signature over exactly those bytes (401). Then the
 * bytes must be UTF-8 (400): a body is never "repaired" with U+FFFD. Also
 * decides how events that carry no id get one: random (UUIDv7), or derived
 * from the signature so that a replayed request is a duplicate.
 */

import { SIGNATURE_HEADER } from "@eventline/protocol";
import { createMiddleware } from "hono/factory";
import type { ApiKeyVariables } from "../../shared/auth/api-key-auth.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import { signedEventId, uuidv7 } from "../../shared/events/uuidv7.ts";
import { ingestConfig, type ProducerEnv } from "../producer-env.ts";
import { parseSigningSecrets, verifySignature } from "./request-signature.ts";

export interface BodyVariables {
  /** The body as text. */
  body: string;
  /** The id of an event sent without one. */
  newId: (index: number) => string;
}

// fatal: invalid UTF-8 is refused, not replaced; a leading BOM is dropped, as JSON allows.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export const readSignedBody = createMiddleware<{ Bindings: ProducerEnv; Variables: ApiKeyVariables & BodyVariables }>(async (c, next) => {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const cfg = ingestConfig(c.env);
  const secret = parseSigningSecrets(cfg.signingSecrets).get(c.var.source);
  const now = Date.now();
  let newId = (_index: number) => uuidv7(now);
  if (secret !== undefined) {
    const { pathname, search } = new URL(c.req.url);
    const check = await verifySignature(
      c.req.header(SIGNATURE_HEADER) ?? null,
      { method: c.req.method, target: `${pathname}${search}`, headers: c.req.raw.headers },
      bytes,
      secret,
      Math.floor(now / 1000),
      cfg.signatureToleranceSeconds,
    );
    if (!check.ok) throw new ApiError(401, check.reason, check.message);
    newId = (index) => signedEventId(check.timestamp, check.signature, index);
  }
  let body: string;
  try {
    body = utf8.decode(bytes);
  } catch (err) {
    throw new ApiError(400, "invalid_body", "the body is not valid UTF-8", { cause: err });
  }
  c.set("body", body);
  c.set("newId", newId);
  await next();
});
