/**
 * Every enforced limit in one place: the README's "Limits" table is this file.
 * The request limits a sender must know are the client library's WIRE_LIMITS
 * (@eventline/protocol), spread in here so that both read one definition.
 * Cloudflare Queues allow 128 KB per message and 100 messages / 256 KB per
 * sendBatch, and bill one operation per 64 KB written, read and deleted.
 */
import { WIRE_LIMITS } from "@eventline/protocol";

export const LIMITS = {
  /** maxEventBytes, maxRequestBytes, maxEventsPerRequest, maxIdLength, maxTypeLength, maxSourceLength. */
  ...WIRE_LIMITS,
  /**
   * Packing budget of one queue message (a packet of events), bytes. Under the
   * 64 KB billing unit (taken as 64,000, with room for Queues' own metadata), so
   * a packet costs 3 operations; an event over it travels alone, and even one
   * at maxEventBytes stays far under the 128 KB message limit.
   */
  packetBudgetBytes: 60 * 1024,
  /**
   * A consumer writes a queue batch (up to 100 packets) in statements of at
   * most this many events and bytes of event JSON: tens of milliseconds each,
   * far inside DATABASE_TIMEOUT_SECONDS and Hyperdrive's 60 s statement limit
   * (bench/consumer-workerd.ts measures them).
   */
  maxEventsPerStatement: 1000,
  maxBytesPerStatement: 1024 * 1024,
  /** Cloudflare Queues: messages per sendBatch call. */
  maxMessagesPerSend: 100,
  /** Cloudflare Queues: total bytes per sendBatch call (we stay under it with a margin for per-message overhead). */
  maxBytesPerSend: 256 * 1024,
  /** Per-message overhead assumed when packing a sendBatch, bytes. */
  sendOverheadBytesPerMessage: 100,
  /** Deepest nesting of a JSON value in an event (payload, CloudEvents data, an attribute); the value itself is level 1. */
  maxJsonDepth: 64,
  /** Default tolerated clock skew for `occurredAt` in the future, seconds. */
  defaultMaxFutureSkewSeconds: 300,
  /** The most MAX_FUTURE_SKEW_SECONDS may be: an event's occurrence day is at most one day after its receipt day (events/retention.ts relies on it). */
  maxFutureSkewSeconds: 86_400,
  /** Default tolerance for signed-request timestamps, seconds. */
  defaultSignatureToleranceSeconds: 300,
  /** How far ahead of the server clock a signature's timestamp may be (clock skew only: a future t would stretch a capture's life). */
  signatureFutureToleranceSeconds: 30,
} as const;
