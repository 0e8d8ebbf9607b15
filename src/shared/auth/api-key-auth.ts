/**
 * API-key authentication for the public routes (ingest, rollup reads): API
 * key → its source (401 otherwise, counted as a failed authentication where
 * the Worker throttles those), then the route's per-key rate limit (429).
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors/api-error.ts";
import { ConfigError } from "../errors/config-error.ts";
import { identifyKey, parseApiKeys, presentedKey } from "./api-keys.ts";
import { countFailedAuth, type FailedAuthBindings } from "./failed-auth-throttle.ts";

export interface ApiKeyVariables {
  /** The tenant the key belongs to. */
  source: string;
}

interface ApiKeyBindings extends FailedAuthBindings {
  API_KEYS?: string;
}

/** Seconds a rate-limited client should wait: the binding's window (wrangler.toml `period`). */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

/** Authentication by API key, rate-limited per key by the limiter `limiter` picks from the bindings (a route without one is a configuration error). */
export const apiKeyAuth = <B extends ApiKeyBindings>(limiter: (env: B) => RateLimit | undefined) =>
  createMiddleware<{ Bindings: B; Variables: ApiKeyVariables }>(async (c, next) => {
    const key = presentedKey(c.req.raw.headers);
    if (!key)
      throw new ApiError(401, "unauthorized", "missing API key (Authorization: Bearer <key>)", {
        headers: { "www-authenticate": "Bearer" },
      });
    const { hash, source } = await identifyKey(key, parseApiKeys(c.env.API_KEYS));
    if (!source) {
      await countFailedAuth(c.env, c.req.raw.headers);
      throw new ApiError(401, "unauthorized", "unknown API key", { headers: { "www-authenticate": "Bearer" } });
    }
    const limit = limiter(c.env);
    if (!limit) throw new ConfigError("this route's rate limiter binding is missing (see wrangler.toml)");
    const { success } = await limit.limit({ key: hash.slice(0, 32) });
    if (!success)
      throw new ApiError(429, "rate_limited", "rate limit for this API key exceeded", {
        headers: { "retry-after": String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
        details: { retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS },
      });
    c.set("source", source);
    await next();
  });
