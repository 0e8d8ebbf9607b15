/**
 * GET /metrics takes the admin token, or a read-only metrics token whose
 * SHA-256 is METRICS_TOKEN_SHA256 (for a scraper that must not hold the
 * admin token). Anything else is 401, counted as a failed authentication.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors/api-error.ts";
import { type AdminAuthBindings, checkAdminToken } from "./admin-auth.ts";
import { presentedKey } from "./api-keys.ts";
import { countFailedAuth } from "./failed-auth-throttle.ts";
import { sha256Hex, timingSafeEqualString } from "./sha256.ts";

export interface MetricsAuthBindings extends AdminAuthBindings {
  METRICS_TOKEN_SHA256?: string;
}

export const metricsAuth = createMiddleware<{ Bindings: MetricsAuthBindings }>(async (c, next) => {
  const token = presentedKey(c.req.raw.headers);
  const unauthorized = (message: string) => new ApiError(401, "unauthorized", message, { headers: { "www-authenticate": "Bearer" } });
  if (!token) throw unauthorized("missing token (Authorization: Bearer <metrics or admin token>)");
  const expected = c.env.METRICS_TOKEN_SHA256;
  if (expected && timingSafeEqualString(await sha256Hex(token), expected.toLowerCase())) return next();
  if ((await checkAdminToken(token, c.env)) === "admin") return next();
  await countFailedAuth(c.env, c.req.raw.headers);
  throw unauthorized("invalid metrics token");
});
