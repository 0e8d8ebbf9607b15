/**
 * Ingest-key authentication: API key → source (401), per-key rate limit (429).
 * `signedBody` then reads the raw body and, for sources configured for it,
 * checks the request signature over it (401).
 */
import { createMiddleware } from "hono/factory";
import { identifyKey, parseApiKeys, presentedKey } from "../auth/api-keys.ts";
import { parseSigningSecrets, verifySignature } from "../auth/request-signature.ts";
import { type Env, ingestConfig } from "../env.ts";
import { ApiError } from "../errors/api-error.ts";

export interface AuthVariables {
  source: string;
  cfg: ReturnType<typeof ingestConfig>;
  rawBody: string;
}

/** Seconds a rate-limited client should wait: the binding's window (wrangler.toml `period`). */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export const apiKeyAuth = createMiddleware<{ Bindings: Env; Variables: AuthVariables }>(async (c, next) => {
  const cfg = ingestConfig(c.env);
  const key = presentedKey(c.req.raw.headers);
  if (!key)
    throw new ApiError(401, "unauthorized", "missing API key (Authorization: Bearer <key>)", { headers: { "www-authenticate": "Bearer" } });
  const { hash, source } = await identifyKey(key, parseApiKeys(cfg.apiKeys));
  if (!source) throw new ApiError(401, "unauthorized", "unknown API key", { headers: { "www-authenticate": "Bearer" } });

  if (c.env.INGEST_RATE_LIMITER) {
    const { success } = await c.env.INGEST_RATE_LIMITER.limit({ key: hash.slice(0, 32) });
    if (!success) {
      throw new ApiError(429, "rate_limited", "rate limit for this API key exceeded", {
        headers: { "retry-after": String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
        details: { retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS },
      });
    }
  }
  c.set("source", source);
  c.set("cfg", cfg);
  await next();
});

export const signedBody = createMiddleware<{ Bindings: Env; Variables: AuthVariables }>(async (c, next) => {
  const rawBody = await c.req.text();
  const secret = parseSigningSecrets(c.var.cfg.signingSecrets).get(c.var.source);
  if (secret !== undefined) {
    const check = await verifySignature(
      c.req.header("x-eventline-signature") ?? null,
      rawBody,
      secret,
      Math.floor(Date.now() / 1000),
      c.var.cfg.signatureToleranceSeconds,
    );
    if (!check.ok) throw new ApiError(401, check.reason, check.message);
  }
  c.set("rawBody", rawBody);
  await next();
});
