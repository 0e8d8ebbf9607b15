/**
 * Admin API authentication: a separate token whose SHA-256 is the
 * ADMIN_TOKEN_SHA256 secret. An ingest key is recognized and refused with 403
 * (it authenticates, but is not allowed here); anything else is 401.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors/api-error.ts";
import { identifyKey, parseApiKeys, presentedKey } from "./api-keys.ts";
import { sha256Hex, timingSafeEqualString } from "./sha256.ts";

export const adminAuth = createMiddleware<{ Bindings: { ADMIN_TOKEN_SHA256?: string; API_KEYS?: string } }>(async (c, next) => {
  const token = presentedKey(c.req.raw.headers);
  if (!token)
    throw new ApiError(401, "unauthorized", "missing admin token (Authorization: Bearer <token>)", {
      headers: { "www-authenticate": "Bearer" },
    });
  const expected = c.env.ADMIN_TOKEN_SHA256;
  if (expected && timingSafeEqualString(await sha256Hex(token), expected.toLowerCase())) return next();
  if ((await identifyKey(token, parseApiKeys(c.env.API_KEYS))).source) {
    throw new ApiError(403, "forbidden", "ingest API keys cannot use the admin API");
  }
  throw new ApiError(401, "unauthorized", expected ? "invalid admin token" : "the admin API is disabled (ADMIN_TOKEN_SHA256 is not set)", {
    headers: { "www-authenticate": "Bearer" },
  });
});
