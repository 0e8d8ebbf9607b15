import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, type ApiErrorCode, databaseUnavailableError } from "../errors/api-error.ts";
import { classifyDbError, DATABASE_UNAVAILABLE_CODE } from "../errors/classify-db-error.ts";
import { errorFields, log } from "../lib/log.ts";

/**
 * An error as the ApiError it answers: itself, or 503 database_unavailable
 * when the database could not be reached (classify-db-error.ts says when);
 * undefined for anything else.
 */
export function asApiError(err: Error): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (classifyDbError(err).code === DATABASE_UNAVAILABLE_CODE) return databaseUnavailableError(err);
  return undefined;
}

/**
 * Renders ApiError as its status and body (an unreachable database as 503
 * with Retry-After, logged as a warning). hono's own HTTPException (e.g. a
 * malformed JSON body seen by a validator) keeps its 4xx status in our error
 * format. Anything else is logged once and answered 500 without internals.
 */
export function renderError(error: Error, c: Context): Response {
  const err = asApiError(error) ?? error;
  if (err !== error) log("warn", "request.database_unavailable", { method: c.req.method, path: c.req.path, ...errorFields(error) });
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
