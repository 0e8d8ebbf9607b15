/**
 * Runs one database write with quick in-invocation retries for blips, per
 * RETRY_POLICY.inInvocation. Only retryable failures are retried; permanent
 * ones abort at once so bisection can start.
 *
 * Each attempt has a deadline (DATABASE_TIMEOUT_SECONDS). A call that misses
 * it is abandoned as retryable and not retried here: a database that hangs
 * for seconds is not a blip, and the queue's delayed redelivery waits better
 * than this invocation can. The abandoned statement may still commit; the
 * redelivery then finds its rows and counts them as duplicates.
 */
import pRetry, { AbortError } from "p-retry";
import { classifyDbError } from "../../shared/errors/classify-db-error.ts";
import { PermanentError } from "../../shared/errors/permanent-error.ts";
import { RetryableError } from "../../shared/errors/retryable-error.ts";
import { RETRY_POLICY } from "./retry-policy.ts";

export const DATABASE_TIMEOUT_CODE = "database_timeout";

export function writeWithRetry<R>(write: () => Promise<R>, opts: { timeoutMs: number }, policy = RETRY_POLICY.inInvocation): Promise<R> {
  return pRetry(
    async () => {
      try {
        return await withDeadline(write(), opts.timeoutMs);
      } catch (err) {
        const classified = classifyDbError(err);
        if (classified instanceof PermanentError || classified.code === DATABASE_TIMEOUT_CODE) throw new AbortError(classified);
        throw classified;
      }
    },
    { retries: policy.retries, minTimeout: policy.minTimeoutMs, maxTimeout: policy.maxTimeoutMs, factor: policy.factor, randomize: true },
  );
}

function withDeadline<R>(call: Promise<R>, ms: number): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RetryableError(`the database did not answer within ${ms} ms`, { code: DATABASE_TIMEOUT_CODE })),
      ms,
    );
  });
  // The abandoned call may still fail later; that is no longer anyone's error.
  call.catch(() => {});
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}
