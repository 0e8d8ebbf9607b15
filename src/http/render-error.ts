import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, type ApiErrorCode } from "../errors/api-error.ts";
import { errorFields, log } from "../lib/log.ts";

/**
 * Renders ApiError as its status and body. hono's own HTTPException (e.g. a
 * malformed JSON body seen by a validator) keeps its 4xx status in our error
 * format. Anything else is logged once and answered 500 without internals.
 */
export function renderError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(err.toBody(), err.status as ContentfulStatusCode, err.headers);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ code: httpExceptionCode(err.status, err.message), message: err.message }, err.status);
  }
  log("error", "request.failed", { method: c.req.method, path: c.req.path, ...errorFields(err) });
  return c.json({ code: "internal_error", message: "internal error; the request was not processed" }, 500);
}

function httpExceptionCode(status: number, message: string): ApiErrorCode {
  if (status === 400) return /json/i.test(message) ? "invalid_json" : "invalid_request";
  if (status === 413) return "payload_too_large";
  if (status === 401) return "unauthorized";
  return "invalid_request";
}
