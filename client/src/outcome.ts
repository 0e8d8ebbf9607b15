import type { RejectionCode } from "@eventline/protocol";

/** The server stored the event on its queue: it will become a row (or, failing that, a dead letter). */
export interface Accepted {
  status: "accepted";
  id: string;
}

/** The server (or the client, for an oversized event) refused this event's content; resending it cannot help. */
export interface Rejected {
  status: "rejected";
  id: string;
  code: RejectionCode | "source_forbidden";
  /** The field at fault ("" for the whole event). */
  path: string;
  message: string;
}

/**
 * The event was not delivered, through no fault of its content: the key was refused,
 * retries ran out, the in-memory queue was full, or the client was closed.
 */
export interface Failed {
  status: "failed";
  id: string;
  /** The server's error code (e.g. `unauthorized`, `rate_limited`) or the client's own (`FAILURE_CODES`). */
  code: string;
  message: string;
}

export type Outcome = Accepted | Rejected | Failed;

/** Codes of failures the client itself decides. */
export const FAILURE_CODES = {
  queueFull: "client_queue_full",
  closed: "client_closed",
  network: "network_error",
  timeout: "timeout",
  unserializable: "unserializable",
  /** A bug in the client; reported rather than leaving the event without an outcome. */
  internal: "client_error",
} as const;
