/**
 * Ingest-key authentication for the public routes (ingest, rollup reads):
 * API key → its source (401 otherwise), then the per-key rate limit (429).
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors/api-error.ts";
import { identifyKey, parseApiKeys, presentedKey } from "./api-keys.ts";

export interface ApiKeyVariables {
  /** The tenant the key belongs to. */
  source: string;
}

interface ApiKeyBindings {
  API_KEYS?: string;
  INGEST_RATE_LIMITER?: RateLimit;
}

/** Seconds a rate-limited client should wait: the binding's window (wrangler.toml `period`). */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export const apiKeyAuth = createMiddleware<{ Bindings: ApiKeyBindings; Variables: ApiKeyVariables }>(async (c, next) => {
  const key = presentedKey(c.req.raw.headers);
  if (!key)
    throw new ApiError(401, "unauthorized", "missing API key (Authorization: Bearer <key>)", { headers: { "www-authenticate": "Bearer" } });
  const { hash, source } = await identifyKey(key, parseApiKeys(c.env.API_KEYS));
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
  await next();
});
