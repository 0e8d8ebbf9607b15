/**
 * Writes the events of one queue batch in as few statements as the limits
 * allow (LIMITS.maxEventsPerStatement / maxBytesPerStatement), one after the
 * other, and gives every event its verdict:
 * - stored: written now, or a duplicate whose id was already stored (the statement says how many of each);
 * - expired: a copy whose receipt day is past retention, neither stored nor counted (insert-events.ts);
 * - poison: the database refuses this event's data (bisection found it alone);
 * - failed: a retryable error; its message goes back to the queue.
 */
import { LIMITS } from "../../shared/config/limits.ts";
import { classifyDbError } from "../../shared/errors/classify-db-error.ts";
import type { PermanentError } from "../../shared/errors/permanent-error.ts";
import type { RetryableError } from "../../shared/errors/retryable-error.ts";
import type { EventMessage } from "../../shared/events/event-message.ts";
import { chunkBySizeAndCount } from "../../shared/queue/chunk-messages.ts";
import type { PgQueryable } from "../db/client.ts";
import { insertEvents } from "../db/insert-events.ts";
import { bisectWrite } from "./bisect-write.ts";
import { writeWithRetry } from "./write-with-retry.ts";

export interface EventToWrite {
  event: EventMessage;
  /** Whether its message is a redelivery (counted as "retried", not "accepted"). */
  redelivery: boolean;
  /** A replay of a dead letter (counted as "replayed" when the letter is marked, never as "accepted"). */
  replayed: boolean;
  /** The event's share of its message's text, in UTF-16 code units: an estimate of its size for the statement bound (read-batch.ts). */
  bytes: number;
}

export interface WriteVerdicts<T> {
  stored: T[];
  /** Copies set aside: their receipt day is past retention. */
  expired: T[];
  /** How many of `stored` were new rows; the others were duplicates. */
  written: number;
  poison: { item: T; error: PermanentError }[];
  failed: { items: T[]; error: RetryableError }[];
  statements: number;
}

export async function writeEvents<T extends EventToWrite>(
  db: PgQueryable,
  items: readonly T[],
  opts: { timeoutMs: number },
): Promise<WriteVerdicts<T>> {
  const verdicts: WriteVerdicts<T> = { stored: [], expired: [], written: 0, poison: [], failed: [], statements: 0 };
  const write = (chunk: T[]) => {
    verdicts.statements++;
    const redeliveries = chunk.filter((x) => x.redelivery).length;
    const firstDeliveries = chunk.filter((x) => !x.redelivery && !x.replayed).length;
    return writeWithRetry(
      () =>
        insertEvents(
          db,
          chunk.map((x) => x.event),
          { firstDeliveries, redeliveries },
          opts.timeoutMs,
        ),
      opts,
    );
  };
  const statements = chunkBySizeAndCount(items, (x) => x.bytes, LIMITS.maxEventsPerStatement, LIMITS.maxBytesPerStatement, 0);
  for (const statement of statements) {
    for (const o of await bisectWrite(statement, write, classifyDbError)) {
      if (o.kind === "written") {
        const horizon = o.result.expiredBefore?.getTime() ?? Number.NEGATIVE_INFINITY;
        for (const x of o.items) (Date.parse(x.event.receivedAt) < horizon ? verdicts.expired : verdicts.stored).push(x);
        verdicts.written += o.result.written;
      } else if (o.kind === "poison") verdicts.poison.push({ item: o.item, error: o.error });
      else verdicts.failed.push({ items: o.items, error: o.error });
    }
  }
  return verdicts;
}
