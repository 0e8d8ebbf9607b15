/**
 * A failure that will repeat on every attempt for the same input: invalid data
 * or a constraint violation. The consumer isolates the offending messages and
 * dead-letters them at once instead of retrying.
 */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
  /** Machine-readable reason, e.g. "invalid_message" or "sqlstate_22P05". */
  readonly code: string;

  constructor(message: string, opts: { code: string; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.code = opts.code;
  }
}
