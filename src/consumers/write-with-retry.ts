/**
 * Runs one database write with quick in-invocation retries for blips, per
 * RETRY_POLICY.inInvocation. Only retryable failures are retried; permanent
 * ones abort at once so bisection can start.
 */
import pRetry, { AbortError } from "p-retry";
import { classifyDbError } from "../errors/classify-db-error.ts";
import { PermanentError } from "../errors/permanent-error.ts";
import { RETRY_POLICY } from "./retry-policy.ts";

export function writeWithRetry<R>(write: () => Promise<R>, policy = RETRY_POLICY.inInvocation): Promise<R> {
  return pRetry(
    async () => {
      try {
        return await write();
      } catch (err) {
        const classified = classifyDbError(err);
        if (classified instanceof PermanentError) throw new AbortError(classified);
        throw classified;
      }
    },
    { retries: policy.retries, minTimeout: policy.minTimeoutMs, maxTimeout: policy.maxTimeoutMs, factor: policy.factor, randomize: true },
  );
}
