/**
 * The wire contract of POST /v1/events that the client and the server share:
 * this one module is where the server's ingest limits live (src/shared/config/limits.ts
 * spreads them), so the client batches within exactly what the server accepts.
 */
export const WIRE_LIMITS = {
  /** Max serialized size of one event: JSON of `{id, type, occurredAt, payload[, attributes]}`, bytes. */
  maxEventBytes: 64 * 1024,
  /** Max request body, bytes. */
  maxRequestBytes: 1024 * 1024,
  /** Max events in one request. */
  maxEventsPerRequest: 1000,
  /** `id` length bound. */
  maxIdLength: 128,
  /** `type` length bound (the server builds its pattern from it: src/shared/events/fields.ts). */
  maxTypeLength: 64,
  /** `source` length bound (likewise). */
  maxSourceLength: 64,
} as const;

export const EVENTS_PATH = "/v1/events";
export const SIGNATURE_HEADER = "X-Eventline-Signature";

/** Why one event of a request was not accepted (the `code` of an entry of `rejected`). */
export const REJECTION_CODES = [
  "invalid_json",
  "invalid_field",
  "invalid_cloudevent",
  "event_too_large",
  "occurred_at_in_future",
  "duplicate_id",
  "queue_unavailable",
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** One entry of a response's `rejected` list. `path` names the field ("" for the whole event). */
export interface Rejection {
  index: number;
  code: RejectionCode;
  path: string;
  message: string;
}

/** The body of a 202 (and of a 400/413 that refused every event of a batch). */
export interface IngestResponse {
  accepted: { index: number; id: string }[];
  rejected: Rejection[];
}

/** The body of every error response: a machine-readable code, a sentence, and details such as `limit` or `path`. */
export interface ErrorResponse {
  code: string;
  message: string;
  [detail: string]: unknown;
}
