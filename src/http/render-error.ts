import type { Context } from "hono";
import { ApiError } from "../errors/api-error.ts";
import { errorFields, log } from "../lib/log.ts";

/** Renders ApiError as its status and body; anything else is logged once and answered 500 without internals. */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(err.toBody(), err.status as 400, err.headers);
  }
  log("error", "request.failed", { method: c.req.method, path: c.req.path, ...errorFields(err) });
  return c.json({ code: "internal_error", message: "internal error; the request was not processed" }, 500);
}
