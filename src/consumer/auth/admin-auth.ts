/**
 * Admin authentication: a separate token whose SHA-256 is the
 * ADMIN_TOKEN_SHA256 secret. An ingest key is recognized and refused with 403
 * (it authenticates, but is not allowed here); anything else is 401. The admin
 * API takes the token as a Bearer header; the operator console at its login.
 */
import { createMiddleware } from "hono/factory";
import { identifyKey, parseApiKeys, presentedKey } from "../../shared/auth/api-keys.ts";
import { countFailedAuth, type FailedAuthBindings } from "../../shared/auth/failed-auth-throttle.ts";
import { hashMatches, sha256Hex } from "../../shared/auth/sha256.ts";
import { ApiError } from "../../shared/errors/api-error.ts";

export interface AdminAuthBindings extends FailedAuthBindings {
  ADMIN_TOKEN_SHA256?: string;
  API_KEYS?: string;
}

export type TokenCheck = "admin" | "ingest_key" | "unknown" | "disabled";

/** What a presented token is: the admin token, an ingest key (not allowed), or nothing we know. */
export async function checkAdminToken(token: string, env: AdminAuthBindings): Promise<TokenCheck> {
  if (hashMatches(await sha256Hex(token), env.ADMIN_TOKEN_SHA256)) return "admin";
  if ((await identifyKey(token, parseApiKeys(env.API_KEYS))).source) return "ingest_key";
  return env.ADMIN_TOKEN_SHA256 ? "unknown" : "disabled";
}

export const adminAuth = createMiddleware<{ Bindings: AdminAuthBindings }>(async (c, next) => {
  const token = presentedKey(c.req.raw.headers);
  if (!token)
    throw new ApiError(401, "unauthorized", "missing admin token (Authorization: Bearer <token>)", {
      headers: { "www-authenticate": "Bearer" },
    });
  const check = await checkAdminToken(token, c.env);
  if (check === "admin") return next();
  await countFailedAuth(c.env, c.req.raw.headers);
  if (check === "ingest_key") throw new ApiError(403, "forbidden", "ingest API keys cannot use the admin API");
  throw new ApiError(
    401,
    "unauthorized",
    check === "unknown" ? "invalid admin token" : "the admin API is disabled (ADMIN_TOKEN_SHA256 is not set)",
    {
      headers: { "www-authenticate": "Bearer" },
    },
  );
});
