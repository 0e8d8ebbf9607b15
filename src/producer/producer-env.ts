/**
 * The producer Worker's bindings ([env.producer] in wrangler.toml): the queue,
 * the rate limiter, the ingest keys and signing secrets. No database URL, no
 * admin secret: this module is all the producer knows of configuration.
 */
import * as z from "zod/mini";
import { LIMITS } from "../shared/config/limits.ts";
import { readEnv } from "../shared/config/read-env.ts";
import { wholeNumber } from "../shared/lib/whole-number.ts";

export interface ProducerEnv {
  /** Producer binding of the main queue; messages are JSON text. */
  EVENTS_QUEUE: Queue<string>;
  /** Workers Rate Limiting binding, keyed per API key. */
  INGEST_RATE_LIMITER?: RateLimit;
  /** Failed authentications (wrong ingest keys) per client address: the consumer's namespace too, one throttle for every surface. */
  AUTH_FAILURE_LIMITER?: RateLimit;
  /** "<source>:<sha256 hex>" per line or comma. Secret. */
  API_KEYS?: string;
  /** "<source>:<secret>" per line; those sources must sign requests. Secret. */
  SIGNING_SECRETS?: string;
  MAX_FUTURE_SKEW_SECONDS?: string;
  SIGNATURE_TOLERANCE_SECONDS?: string;
  /** debug | info (default) | warn | error. At debug, every accepted ingest request is logged too. */
  LOG_LEVEL?: string;
}

const ingestSchema = z.object({
  SIGNING_SECRETS: z.optional(z.string()),
  MAX_FUTURE_SKEW_SECONDS: wholeNumber(0, LIMITS.maxFutureSkewSeconds, LIMITS.defaultMaxFutureSkewSeconds),
  SIGNATURE_TOLERANCE_SECONDS: wholeNumber(0, 86_400, LIMITS.defaultSignatureToleranceSeconds),
});

export function ingestConfig(env: Pick<ProducerEnv, "SIGNING_SECRETS" | "MAX_FUTURE_SKEW_SECONDS" | "SIGNATURE_TOLERANCE_SECONDS">) {
  const c = readEnv(ingestSchema, env, "ingest config");
  return {
    signingSecrets: c.SIGNING_SECRETS,
    maxFutureSkewSeconds: c.MAX_FUTURE_SKEW_SECONDS,
    signatureToleranceSeconds: c.SIGNATURE_TOLERANCE_SECONDS,
  };
}
