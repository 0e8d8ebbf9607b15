/**
 * A failure that says nothing about the message itself — the pool, the network
 * or the database was unavailable. The message is retried with backoff and
 * reaches the dead-letter queue only after the queue's max_retries.
 */
export class RetryableError extends Error {
  override readonly name = "RetryableError";
  /** Machine-readable reason, e.g. "P6004" or "sqlstate_08006". */
  readonly code: string;

  constructor(message: string, opts: { code: string; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.code = opts.code;
  }
}
