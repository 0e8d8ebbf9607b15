/**
 * Failed authentications are throttled per client address (AUTH_FAILURE_LIMITER,
 * Workers Rate Limiting): every wrong admin token, console login or read-API
 * key counts, and past the limit the address is answered 429 instead of 401.
 * Guessing a 256-bit token is hopeless anyway; this keeps the guessing from
 * being cheap or quiet.
 */
import { ApiError } from "../errors/api-error.ts";
import { log } from "../lib/log.ts";

export interface FailedAuthBindings {
  AUTH_FAILURE_LIMITER?: RateLimit;
}

/** The binding's window (wrangler.toml `period`). */
const RETRY_AFTER_SECONDS = 60;

/** Counts one failed authentication of the request's address; throws 429 once the address is over the limit. */
export async function countFailedAuth(env: FailedAuthBindings, headers: Headers): Promise<void> {
  if (!env.AUTH_FAILURE_LIMITER) return;
  // Cloudflare sets it on every request; locally there is no address to tell apart.
  const address = headers.get("cf-connecting-ip") ?? "local";
  const { success } = await env.AUTH_FAILURE_LIMITER.limit({ key: `auth-failure:${address}` });
  if (success) return;
  log("warn", "auth.throttled", { address });
  throw new ApiError(429, "rate_limited", "too many failed authentications from this address; wait and try again", {
    headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
    details: { retryAfterSeconds: RETRY_AFTER_SECONDS },
  });
}
