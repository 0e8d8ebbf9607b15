/**
 * Writes a batch in one call and, only when the database rejects the batch
 * because of its data, splits it in halves until the offending items stand
 * alone. One bad message costs ~2·log2(n) extra round trips instead of
 * holding back the other n−1. Retryable failures are not split: the subset is
 * reported as failed so its messages go back to the queue.
 *
 * Pure: the write function and the error classifier are passed in.
 */
import type { PermanentError } from "../../shared/errors/permanent-error.ts";
import { RetryableError } from "../../shared/errors/retryable-error.ts";

export type WriteOutcome<T, R> =
  | { kind: "written"; items: T[]; result: R }
  | { kind: "poison"; item: T; error: PermanentError }
  | { kind: "failed"; items: T[]; error: RetryableError };

export async function bisectWrite<T, R>(
  items: T[],
  write: (items: T[]) => Promise<R>,
  classify: (err: unknown) => PermanentError | RetryableError,
): Promise<WriteOutcome<T, R>[]> {
  if (items.length === 0) return [];
  try {
    return [{ kind: "written", items, result: await write(items) }];
  } catch (err) {
    const error = classify(err);
    if (error instanceof RetryableError) return [{ kind: "failed", items, error }];
    if (items.length === 1) return [{ kind: "poison", item: items[0]!, error }];
    const mid = Math.ceil(items.length / 2);
    const left = await bisectWrite(items.slice(0, mid), write, classify);
    const right = await bisectWrite(items.slice(mid), write, classify);
    return [...left, ...right];
  }
}
