/**
 * The Worker's configuration (bindings, secrets) is invalid. Not the
 * request's fault and not retryable by the caller: answered 500 and logged;
 * the consumer keeps its messages (retry) until the configuration is fixed.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
  }
}
