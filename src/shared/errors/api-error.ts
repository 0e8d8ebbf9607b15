/**
 * The one HTTP error type: a status, a stable machine-readable `code`, a human
 * message and optional details (e.g. which field). Thrown by request handling,
 * rendered once by the app's error handler.
 */
/** Every `code` an error response carries (the OpenAPI documents list them). */
export const API_ERROR_CODES = [
  "invalid_json",
  "invalid_body",
  "invalid_request",
  "invalid_event",
  "no_valid_events",
  "batch_rejected",
  "unauthorized",
  "source_forbidden",
  "signature_required",
  "signature_invalid",
  "signature_expired",
  "forbidden",
  "not_found",
  "event_expired",
  "events_expired",
  "payload_too_large",
  "too_many_events",
  "event_too_large",
  "unsupported_media_type",
  "rate_limited",
  "queue_unavailable",
  "database_unavailable",
  "atomic_batch_too_large",
  "invalid_rollup_definition",
  "rollup_not_found",
  "too_many_rollups",
  "internal_error",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.status = status;
    this.code = code;
    this.details = opts.details;
    this.headers = opts.headers;
  }

  toBody(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** How long a client should wait before asking again while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** 503 database_unavailable: the database did not answer (connect or statement deadline) or refused its clients. */
export function databaseUnavailableError(cause: unknown): ApiError {
  return new ApiError(503, "database_unavailable", "the database is unavailable; nothing was changed by this request: try again shortly", {
    details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) },
    cause,
  });
}

/** The one "not found": 404 not_found naming what is missing. */
export function notFoundError(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} not found`);
}

/** 410 event_expired: the event was stored once and retention has dropped it (the dedupe ledger remembers its id). */
export function eventExpiredError(source: string, id: string): ApiError {
  return new ApiError(
    410,
    "event_expired",
    `event ${source}/${id} was stored and has expired: retention (EVENT_RETENTION_DAYS) dropped its day's partition`,
  );
}
