/**
 * Every enforced limit in one place: the README's "Limits" table is this file.
 * Cloudflare Queues allow 128 KB per message and 100 messages / 256 KB per
 * sendBatch; the event limit leaves headroom for the envelope.
 */
export const LIMITS = {
  /** Max serialized size of one event (the queue message body), bytes. */
  maxEventBytes: 64 * 1024,
  /** Max request body, bytes. */
  maxRequestBytes: 1024 * 1024,
  /** Max events in one request. */
  maxEventsPerRequest: 1000,
  /** Cloudflare Queues: messages per sendBatch call. */
  maxMessagesPerSend: 100,
  /** Cloudflare Queues: total bytes per sendBatch call (we stay under it with a margin for per-message overhead). */
  maxBytesPerSend: 256 * 1024,
  /** Per-message overhead assumed when packing a sendBatch, bytes. */
  sendOverheadBytesPerMessage: 100,
  /** `id` length bounds. */
  maxIdLength: 128,
  /** `type` length bound (the pattern is built from it in events/fields.ts). */
  maxTypeLength: 64,
  /** `source` length bound (the pattern is built from it in events/fields.ts). */
  maxSourceLength: 64,
  /** Deepest nesting of a JSON value in an event (payload, CloudEvents data, an attribute); the value itself is level 1. */
  maxJsonDepth: 64,
  /** Default tolerated clock skew for `occurredAt` in the future, seconds. */
  defaultMaxFutureSkewSeconds: 300,
  /** Default tolerance for signed-request timestamps, seconds. */
  defaultSignatureToleranceSeconds: 300,
} as const;
