/**
 * GET /metrics takes the admin token, or a read-only metrics token whose
 * SHA-256 is METRICS_TOKEN_SHA256 (for a scraper that must not hold the
 * admin token). Anything else is 401, counted as a failed authentication.
 */
import { createMiddleware } from "hono/factory";
import { presentedKey } from "../../shared/auth/api-keys.ts";
import { countFailedAuth } from "../../shared/auth/failed-auth-throttle.ts";
import { hashMatches, sha256Hex } from "../../shared/auth/sha256.ts";
import { ApiError } from "../../shared/errors/api-error.ts";
import type { AdminAuthBindings } from "./admin-auth.ts";

export interface MetricsAuthBindings extends AdminAuthBindings {
  METRICS_TOKEN_SHA256?: string;
}

export const metricsAuth = createMiddleware<{ Bindings: MetricsAuthBindings }>(async (c, next) => {
  const token = presentedKey(c.req.raw.headers);
  const unauthorized = (message: string) => new ApiError(401, "unauthorized", message, { headers: { "www-authenticate": "Bearer" } });
  if (!token) throw unauthorized("missing token (Authorization: Bearer <metrics or admin token>)");
  // The admin token too: one hash of what was presented, compared with each configured one.
  const hash = await sha256Hex(token);
  if (hashMatches(hash, c.env.METRICS_TOKEN_SHA256) || hashMatches(hash, c.env.ADMIN_TOKEN_SHA256)) return next();
  await countFailedAuth(c.env, c.req.raw.headers);
  throw unauthorized("invalid metrics token");
});
