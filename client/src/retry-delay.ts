/**
 * How long to wait before a retry. Pure.
 *
 * Exponential backoff with equal jitter: the n-th retry waits between half and
 * all of min(maxDelayMs, minDelayMs · 2^(n-1)), so clients that failed together
 * do not retry together. A server's Retry-After is a floor, honoured up to maxDelayMs.
 */
export interface BackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
}

/** `attempt` counts retries from 1. `random` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.minDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

export function retryDelay(attempt: number, retryAfterMs: number | undefined, opts: BackoffOptions, random?: () => number): number {
  const backoff = backoffDelay(attempt, opts, random);
  return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, opts.maxDelayMs));
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. Milliseconds from `now`, or undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its weekday and month; anything else (e.g. "-1") is not one, whatever Date.parse makes of it.
  const at = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
